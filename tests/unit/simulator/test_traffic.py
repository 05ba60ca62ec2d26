"""The first simulator slice: deterministic fleet, real envelopes, faults on request."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from decoders import decode
from netserver import EnvelopeError, Uplink, parse
from simulator.fleet import build_fleet, build_gateways, encodable_types
from simulator.publish import bounded, to_jsonl
from simulator.traffic import generate, parse_faults


class FrozenClock(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
        return datetime(2026, 7, 1, 14, 0, tzinfo=UTC)


def test_fleet_is_deterministic_for_a_seed_and_covers_every_encodable_type() -> None:
    a, b = build_fleet(30, seed=7), build_fleet(30, seed=7)
    assert a == b
    assert build_fleet(30, seed=8) != a
    assert {d.spec.type_id for d in a} == {s.type_id for s in encodable_types()} or len(a) < len(
        encodable_types()
    )
    assert len({d.dev_eui for d in a}) == 30


@pytest.mark.parametrize("fmt", ["ttn-v3", "chirpstack-v4-json", "chirpstack-v4-protobuf"])
def test_every_message_parses_and_decodes_with_our_own_packages(fmt: str) -> None:
    fleet = build_fleet(10, seed=3)
    by_eui = {d.dev_eui: d for d in fleet}
    messages = list(
        bounded(generate(fleet, build_gateways(3), fmt, seed=3, clock=FrozenClock), 30, None)
    )  # type: ignore[arg-type]
    assert len(messages) == 30
    for m in messages:
        uplink = parse(m.topic, m.payload)
        assert isinstance(uplink, Uplink)
        device = by_eui[uplink.dev_eui]
        decoded = decode(device.spec.type_id, uplink.f_port, uplink.payload)
        assert not decoded.errors, (device.spec.type_id, decoded.errors)
        assert {r.quantity for r in decoded.readings} >= set(device.spec.quantities) - {
            "battery_level"
        }


def test_radio_gives_bounded_rssi_and_the_best_gateway_first() -> None:
    fleet = build_fleet(20, seed=5)
    for m in bounded(
        generate(fleet, build_gateways(5), "ttn-v3", seed=5, clock=FrozenClock), 40, None
    ):
        assert m.uplink is not None
        rssis = [rx.rssi for rx in m.uplink.receptions]
        assert all(r is not None and -140 <= r <= -20 for r in rssis)
        assert rssis == sorted(rssis, reverse=True)  # type: ignore[type-var]


def test_faults_are_injected_at_the_requested_rates() -> None:
    fleet = build_fleet(5, seed=1)
    faults = parse_faults("dup=0.2,malformed=0.1")
    stream = generate(fleet, build_gateways(1), "ttn-v3", seed=1, faults=faults, clock=FrozenClock)
    kinds = Counter(m.kind for m in bounded(stream, 2000, None))
    assert 0.12 < kinds["dup"] / kinds["uplink"] < 0.28
    assert 0.05 < kinds["malformed"] / 2000 < 0.15
    malformed = next(
        m
        for m in generate(
            fleet, build_gateways(1), "ttn-v3", seed=1, faults={"malformed": 1.0}, clock=FrozenClock
        )
    )
    with pytest.raises(EnvelopeError):
        parse(malformed.topic, malformed.payload)


def test_fault_spec_errors_name_the_known_faults() -> None:
    with pytest.raises(ValueError, match="dup"):
        parse_faults("duplicate=0.1")
    with pytest.raises(ValueError, match=r"0\.\.1"):
        parse_faults("dup=2")


def test_jsonl_output_follows_the_contract() -> None:
    fleet = build_fleet(4, seed=2)
    out = io.StringIO()
    stream = generate(fleet, build_gateways(2), "chirpstack-v4-protobuf", seed=2, clock=FrozenClock)
    to_jsonl(bounded(stream, 3, None), out)
    out2 = io.StringIO()
    to_jsonl(
        bounded(generate(fleet, build_gateways(2), "ttn-v3", seed=2, clock=FrozenClock), 3, None),
        out2,
    )
    proto_lines = [json.loads(line) for line in out.getvalue().splitlines()]
    ttn_lines = [json.loads(line) for line in out2.getvalue().splitlines()]
    assert all("payload_b64" in line and "/event/up" in line["topic"] for line in proto_lines)
    assert all(line["payload"]["uplink_message"]["version_ids"]["brand_id"] for line in ttn_lines)
