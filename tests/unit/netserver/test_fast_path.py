"""The msgspec fast path for TTN uplinks gives exactly what the full parser gives."""

from __future__ import annotations

from datetime import datetime

import orjson
import pytest
from hypothesis import given, settings

from netserver import _common as c
from netserver import ttn, ttn_fast
from netserver.model import Message, Uplink
from tests.unit.netserver.samples import load
from tests.unit.netserver.test_render import uplinks

ARRIVAL = datetime.fromisoformat("2026-11-28T12:00:00+00:00")


def slow(payload: bytes) -> Message:
    return ttn._message(c.validate(ttn._ApplicationUp, payload), "up", ARRIVAL)


def fast(payload: bytes) -> Message | None:
    up = ttn_fast.decode_uplink(payload)
    return None if up is None else ttn._uplink(up, ARRIVAL)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name", ["ttn-v3-uplink.json", "ttn-v3-uplink-mqtt-docs.json", "ttn-v3-uplink-minimal.json"]
)
def test_fixtures_read_the_same_on_both_paths(name: str) -> None:
    (payload,) = load(name).payloads
    result = fast(payload)
    assert result is not None, "the fast path should take every real TTN uplink"
    assert result == slow(payload)


@given(uplinks("ttn-v3"))
@settings(max_examples=150, deadline=None)
def test_rendered_uplinks_read_the_same_on_both_paths(uplink: Uplink) -> None:
    from netserver import render

    _, payload = render(uplink, "ttn-v3")
    assert fast(payload) == slow(payload)


def test_nanoseconds_are_truncated_not_rounded() -> None:
    (payload,) = load("ttn-v3-uplink.json").payloads
    doc = orjson.loads(payload)
    doc["uplink_message"]["received_at"] = "2026-01-01T00:00:00.123456999Z"
    result = fast(orjson.dumps(doc))
    assert isinstance(result, Uplink)
    assert result.received_at.microsecond == 123456


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["uplink_message"].__setitem__("f_port", 300),
        lambda d: d["uplink_message"].__setitem__("received_at", "yesterday"),
        lambda d: d.pop("uplink_message"),
        lambda d: d.__setitem__("end_device_ids", "x"),
    ],
)
def test_what_the_fast_path_refuses_goes_to_the_full_parser(mutate) -> None:  # type: ignore[no-untyped-def]
    (payload,) = load("ttn-v3-uplink.json").payloads
    doc = orjson.loads(payload)
    mutate(doc)
    assert ttn_fast.decode_uplink(orjson.dumps(doc)) is None
