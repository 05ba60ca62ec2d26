"""Envelopes, topics, determinism, faults, modes and the JSONL contract."""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from chirpstack_api import integration
from google.protobuf import json_format
from typer.testing import CliRunner

from cli.main import app
from decoders import decode
from netserver import EnvelopeError, Uplink, parse
from simulator.fleet import Fleet
from simulator.publish import bounded, paced, to_jsonl
from simulator.run import Options, SimulationError, plan
from simulator.traffic import FAULTS, SimMessage, generate, parse_faults, uplinks
from tests.unit.simulator.support import DAY, JULY

FORMATS = ["ttn-v3", "chirpstack-v4-json", "chirpstack-v4-protobuf"]


def _messages(fleet: Fleet, fmt: str, n: int, **faults: float) -> list[SimMessage]:
    return list(bounded(generate(fleet, fmt, JULY, None, faults), n, None))  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_envelope_parses_and_decodes(small_fleet: Fleet, fmt: str) -> None:
    by_eui = {d.dev_eui: d for d in small_fleet.devices}
    messages = _messages(small_fleet, fmt, 300)
    types = set()
    for m in messages:
        uplink = parse(m.topic, m.payload)
        assert isinstance(uplink, Uplink)
        device = by_eui[uplink.dev_eui]
        decoded = decode(device.type_id, uplink.f_port, uplink.payload)
        assert not decoded.errors and not decoded.warnings, (device.type_id, decoded)
        assert uplink.receptions and uplink.spreading_factor == device.sf
        types.add(device.type_id)
        if fmt == "ttn-v3":
            assert (uplink.brand_id, uplink.model_id) == device.brand_model
            assert m.topic == f"v3/{device.application_id}@ttn/devices/{device.device_id}/up"
        else:
            assert uplink.device_profile == device.type_id
            assert m.topic == (
                f"application/{device.chirpstack_application_id}/device/"
                f"{device.dev_eui.lower()}/event/up"
            )
    assert len(types) >= 20


@pytest.mark.parametrize("fmt", ["chirpstack-v4-json", "chirpstack-v4-protobuf"])
def test_chirpstack_messages_parse_with_chirpstack_api(small_fleet: Fleet, fmt: str) -> None:
    for m in _messages(small_fleet, fmt, 100):
        event = integration.UplinkEvent()
        if fmt.endswith("protobuf"):
            event.ParseFromString(m.payload)
        else:
            json_format.Parse(m.payload, event)
        assert event.device_info.dev_eui == m.topic.split("/")[3]
        assert event.rx_info and event.tx_info.modulation.lora.spreading_factor >= 7
        assert event.f_cnt >= 0 and event.data


def test_the_same_seed_gives_the_same_traffic(small_fleet: Fleet) -> None:
    from simulator.fleet import build_fleet

    again = build_fleet(60, 3, small_fleet.scenario)
    a = [(m.topic, m.payload) for m in _messages(small_fleet, "ttn-v3", 50)]
    assert a == [(m.topic, m.payload) for m in _messages(again, "ttn-v3", 50)]
    other = build_fleet(60, 4, small_fleet.scenario)
    assert a != [(m.topic, m.payload) for m in _messages(other, "ttn-v3", 50)]


def test_backfill_and_live_agree_on_every_uplink(small_fleet: Fleet) -> None:
    """An uplink is a function of time: starting earlier changes nothing about it."""
    late = {(u.dev_eui, u.f_cnt): u for _, u in uplinks(small_fleet, JULY, JULY + 3600)}
    early = {(u.dev_eui, u.f_cnt): u for _, u in uplinks(small_fleet, JULY - DAY, JULY + 3600)}
    assert late and all(early[k] == u for k, u in late.items())


def test_faults_at_their_rates_and_with_their_meaning(small_fleet: Fleet) -> None:
    assert set(FAULTS) == {
        "dup",
        "redelivery",
        "malformed",
        "truncated",
        "unknown_device",
        "out_of_order",
        "burst",
        "gateway_outage",
    }
    messages = _messages(
        small_fleet,
        "ttn-v3",
        3000,
        dup=0.1,
        malformed=0.05,
        truncated=0.05,
        unknown_device=0.05,
        redelivery=0.05,
    )
    kinds = Counter(m.kind for m in messages)
    assert 0.06 < kinds["dup"] / kinds["uplink"] < 0.14
    for name in ("malformed", "truncated", "unknown_device", "redelivery"):
        assert 0.02 < kinds[name] / 3000 < 0.08, name
    fleet_euis = {d.dev_eui for d in small_fleet.devices}
    bodies = {m.payload for m in messages if m.kind not in ("dup", "redelivery")}
    for m in messages:
        if m.kind in ("dup", "redelivery"):  # the same bytes again, whatever they were
            assert m.payload in bodies
            continue
        if m.kind == "malformed":
            with pytest.raises(EnvelopeError):
                parse(m.topic, m.payload)
            continue
        uplink = parse(m.topic, m.payload)
        assert isinstance(uplink, Uplink)
        if m.kind == "unknown_device":
            assert uplink.dev_eui not in fleet_euis and uplink.brand_id is None
        if m.kind == "truncated":
            device = next(d for d in small_fleet.devices if d.dev_eui == uplink.dev_eui)
            decoded = decode(device.type_id, uplink.f_port, uplink.payload)
            assert decoded.errors or len(decoded.readings) < len(device.template.keys)


def test_out_of_order_bursts_and_gateway_outages(small_fleet: Fleet) -> None:
    plain = _messages(small_fleet, "ttn-v3", 600)
    shuffled = _messages(small_fleet, "ttn-v3", 600, out_of_order=0.05)
    times = [m.time for m in shuffled]
    assert times != sorted(times) and sorted(m.payload for m in shuffled[:500]) != []
    burst = _messages(small_fleet, "ttn-v3", 600, burst=0.01)
    released = Counter(m.deliver_at for m in burst if m.deliver_at != m.time)
    assert released and max(released.values()) >= 3  # a backlog leaves at one instant
    outage = _messages(small_fleet, "ttn-v3", 600, gateway_outage=0.5)
    heard = sum(len(m.uplink.receptions) for m in plain if m.uplink)
    heard_outage = sum(len(m.uplink.receptions) for m in outage if m.uplink)
    assert heard_outage < 0.8 * heard


def test_fault_spec_errors_name_the_known_faults() -> None:
    with pytest.raises(ValueError, match="gateway_outage"):
        parse_faults("duplicate=0.1")
    with pytest.raises(ValueError, match=r"0\.\.1"):
        parse_faults("dup=2")
    assert parse_faults("dup=0.01, burst=0.001") == {"dup": 0.01, "burst": 0.001}


def test_jsonl_follows_the_contract(small_fleet: Fleet) -> None:
    out = io.StringIO()
    to_jsonl(_messages(small_fleet, "chirpstack-v4-protobuf", 5), out)
    for line in out.getvalue().splitlines():
        item = json.loads(line)
        assert set(item) == {"topic", "payload_b64"} and item["topic"].endswith("/event/up")
        integration.UplinkEvent().ParseFromString(base64.b64decode(item["payload_b64"]))
    out = io.StringIO()
    to_jsonl(_messages(small_fleet, "ttn-v3", 20, malformed=0.3), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert all(
        line["payload"]["uplink_message"]["version_ids"]["brand_id"]
        for line in lines
        if "payload" in line
    )
    assert any("payload_b64" in line for line in lines)


def test_pacing_by_rate_and_by_speed() -> None:
    now = [1000.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    msgs = [SimMessage("t", b"{}", "uplink", None, t, t) for t in (900.0, 1000.0, 1030.0, 1090.0)]
    list(paced(msgs, speed=1.0, origin=1000.0, clock=lambda: now[0], sleep=sleep))
    assert slept == [30.0, 60.0]  # history at once, then real time
    slept.clear()
    now[0] = 0.0
    list(paced(msgs, rate=2.0, clock=lambda: now[0], sleep=sleep))
    assert slept == [0.5, 0.5, 0.5]


def test_modes_from_the_options() -> None:
    now = 1_000_000.0
    assert plan(Options(output=Path("f"), backfill_days=2), now) == (now - 2 * DAY, now, None)
    assert plan(Options(mqtt_url="mqtt://h"), now) == (now, None, 1.0)  # real time
    assert plan(Options(mqtt_url="mqtt://h", count=5), now) == (now, None, None)  # flat out
    assert plan(Options(mqtt_url="mqtt://h", backfill_days=1, speed=1), now)[1] is None
    with pytest.raises(SimulationError, match="--count"):
        plan(Options(output=Path("f")), now)
    with pytest.raises(SimulationError, match="exactly one"):
        plan(Options(), now)


def test_cli_backfill_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "history.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "--devices",
            "20",
            "--seed",
            "9",
            "--backfill-days",
            "0.25",
            "--format",
            "chirpstack-v4-json",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    lines = out.read_text().splitlines()
    assert figures["messages"] == len(lines) > 100
    assert all(json.loads(line)["topic"].startswith("application/") for line in lines)
    bad = CliRunner().invoke(
        app, ["simulate", "--scenario", "atlantis", "--output", str(out), "--count", "1"]
    )
    assert bad.exit_code == 2 and "unknown scenario" in bad.output
