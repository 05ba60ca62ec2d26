"""Every network-server fixture maps to the message type we chose for it, with its values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

import netserver
from netserver import DeviceStatus, EnvelopeError, Message, NetworkEvent, Skipped, Uplink
from netserver.ttn import local_eui
from tests.unit.netserver.samples import Sample, body, load, names

ARRIVAL = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Case:
    """What one fixture file must become: a type, attribute values, receptions, details."""

    type: type[Any] | None  # None: the file is an EnvelopeError
    values: dict[str, Any] = field(default_factory=dict)
    rx: tuple[tuple[str | None, str | None, float | None, float | None], ...] | None = None
    details: dict[str, Any] = field(default_factory=dict)
    error: str = ""


CS4_APP = "17c82e96-be03-4f38-aef3-f83d48582d97"
CS4_UP = Case(
    Uplink,
    {
        "source": "chirpstack-v4",
        "dev_eui": "0101010101010101",
        "f_cnt": 0,
        "f_port": 1,
        "payload": b"\xaa",
        "received_at": t("2022-07-18T09:34:15.775023+00:00"),
        "device_name": "Test device",
        "application_id": CS4_APP,
        "device_profile": "Test device-profile",
        "dev_addr": "00189440",
        "dedup_id": "3ac7e3c4-4401-4b8d-9386-a5c902f9202d",
        "data_rate": "SF11BW125",
        "spreading_factor": 11,
        "bandwidth_hz": 125000,
        "frequency_hz": 867100000,
        "airtime_s": None,
        "decoded": None,
    },
    rx=(("0016C001F153A14C", None, -36.0, 10.5),),
)
CS4_MULTIGW = Case(
    Uplink,
    {
        "dev_eui": "0102030405060708",
        "f_cnt": 10,
        "f_port": 20,
        "payload": b"",
        "received_at": ARRIVAL,  # the test event has no time at all
        "device_name": "test-dev",
        "application_id": None,
        "dedup_id": None,
        "frequency_hz": 868100000,
        "data_rate": None,
        "decoded": {"humidity": 20.0, "active": True, "temperature": 25.4, "status": "on"},
    },
    rx=((None, None, -60.0, 1.0), (None, None, -55.0, 2.5), (None, None, -70.0, 1.0)),
)
TTN_DOWNLINK_ACK = Case(
    NetworkEvent,
    {
        "kind": "downlink_ack",
        "dev_eui": "0004A30B001C0530",
        "time": t("2020-02-17T10:32:24.590413+00:00"),
    },
    details={"f_port": 15, "f_cnt": 1, "confirmed": True, "acknowledged": True},
)

CASES: dict[str, Case] = {
    "ttn-v3-uplink.json": Case(
        Uplink,
        {
            "source": "ttn-v3",
            "dev_eui": "0004A30B001C0530",
            "f_cnt": 1,
            "f_port": 0,  # absent in the docs sample: omitted zero
            "payload": bytes.fromhex("8241de"),
            "received_at": t("2020-02-12T15:15:45.789585+00:00"),  # uplink_message.received_at
            "device_name": "dev1",
            "application_id": "app1",
            "dev_addr": "00BCB929",
            "brand_id": "the-things-products",
            "model_id": "the-things-uno",
            "decoded": {"temperature": 1.0, "luminosity": 0.64},
            "airtime_s": 0.056576,
            "frequency_hz": 868300000,
            "data_rate": "SF7BW125",
            "dedup_id": "as:up:01E0WZGT6Y7657CPFPE5WEYDSQ",
            "simulated": False,
        },
        rx=(("9C5C8E00001A05C4", "gtw1", -35.0, 5.0),),
    ),
    "ttn-v3-uplink-mqtt-docs.json": Case(
        Uplink,
        {
            "dev_eui": "4200000000000000",
            "f_cnt": 0,  # absent: FCnt 0 is omitted
            "f_port": 15,
            "payload": b"Temperature = 0.0",
            # no received_at anywhere in this 2019 sample: the gateway time is the last resort
            "received_at": t("2019-01-29T13:02:34.981+00:00"),
            "data_rate": "SF7BW125",
            "frequency_hz": 868500000,
            "airtime_s": None,
            "brand_id": None,
            "decoded": None,
        },
        rx=(("0242020000247803", "eui-0242020000247803", -35.0, 5.0),),
    ),
    # The formatter's unit-test string has no dev_eui (nor any time): we cannot key it.
    # ABP device without a DevEUI: a locally administered EUI from app and device id
    "ttn-v3-uplink-minimal.json": Case(
        Uplink,
        {
            "dev_eui": local_eui("foo-app", "foo-device"),
            "f_port": 42,
            "f_cnt": 42,
            "payload": b"\x01\x02\x03",
            "decoded": {"test_key": 42},
        },
    ),
    "ttn-v3-uplink-simulated.json": Case(Skipped, {"source": "ttn-v3", "dev_eui": None}),
    "ttn-v3-storage-uplink-message.json": Case(
        Uplink,
        {
            "dev_eui": "1111111111111111",
            "f_port": 10,
            "payload": bytes.fromhex("010a010a010a010a"),
            "data_rate": "SF12BW125",
            "dedup_id": None,  # no correlation_ids in Storage Integration records
        },
        rx=((None, "gtw1", None, None),),
    ),
    "ttn-v3-join.json": Case(
        NetworkEvent,
        {
            "kind": "join",
            "dev_eui": "0004A30B001C0530",
            "time": t("2020-02-17T07:49:09.736532+00:00"),
        },
        details={"dev_addr": "01497ECC", "join_eui": "800000000000000C"},
    ),
    "ttn-v3-downlink-queued.json": Case(
        NetworkEvent, {"kind": "downlink_queued", "dev_eui": local_eui("app1", "dev1")}
    ),
    "ttn-v3-downlink-sent.json": Case(
        NetworkEvent,
        {"kind": "downlink_sent", "dev_eui": "0004A30B001C0530"},
        details={"f_port": 15, "f_cnt": 1, "confirmed": True},
    ),
    "ttn-v3-downlink-ack.json": TTN_DOWNLINK_ACK,
    "ttn-v3-downlink-ack-mqtt-docs.json": Case(
        NetworkEvent,
        {"kind": "downlink_ack", "dev_eui": "4200000000000000", "time": ARRIVAL},
        details={"f_cnt": 11, "acknowledged": True},
    ),
    "ttn-v3-downlink-failed.json": Case(
        NetworkEvent, {"kind": "downlink_failed", "dev_eui": local_eui("app1", "dev1")}
    ),
    "ttn-v3-downlink-push.json": Case(Skipped, {"dev_eui": None}),
    "chirpstack-v4-up.json": CS4_UP,
    "chirpstack-v4-up.protobuf.json": CS4_UP,
    "chirpstack-v4-up-multigw-object.json": CS4_MULTIGW,
    "chirpstack-v4-up-multigw-object.protobuf.json": CS4_MULTIGW,
    "chirpstack-v4-join.json": Case(
        NetworkEvent,
        {
            "kind": "join",
            "dev_eui": "0101010101010101",
            "time": t("2022-07-18T09:33:28.8235+00:00"),
        },
        details={"dev_addr": "00189440", "dedup_id": "c9dbe358-2578-4fb7-b295-66b44edc45a6"},
    ),
    "chirpstack-v4-status.json": Case(
        DeviceStatus,
        {
            "source": "chirpstack-v4",
            "dev_eui": "0101010101010101",
            "time": t("2022-07-18T09:35:06.927172+00:00"),
            "battery_level": 88.3,
            "margin_db": 10.0,
            "external_power": False,
        },
    ),
    "chirpstack-v4-ack.json": Case(
        NetworkEvent,
        {"kind": "ack", "time": t("2022-07-18T09:38:49.2357+00:00")},
        details={"acknowledged": True, "f_cnt_down": 3},
    ),
    "chirpstack-v4-txack.json": Case(
        NetworkEvent,
        {"kind": "txack"},
        details={"f_cnt_down": 2, "gateway_eui": "0016C001F153A14C", "frequency_hz": 867900000},
    ),
    "chirpstack-v4-log.json": Case(
        NetworkEvent,
        {"kind": "log", "time": t("2022-07-18T09:39:57.311414+00:00")},
        details={
            "level": "ERROR",
            "code": "UPLINK_MIC",
            "description": "MIC of join-request is invalid, make sure keys are correct",
            "context": {"deduplication_id": "4e91db13-5ce3-4c8c-ab0f-dfc626cf0771"},
        },
    ),
    "chirpstack-v4-location.json": Case(
        NetworkEvent,
        {"kind": "location"},
        details={"latitude": 37.344214, "longitude": -8.839375, "altitude": 2.0},
    ),
    "chirpstack-v4-integration.json": Case(
        NetworkEvent,
        {"kind": "integration", "dev_eui": "0016C001F000175A"},
        details={"integration_name": "loracloud", "event_type": "modem_UplinkResponse"},
    ),
    "chirpstack-v3-up.json": Case(
        Uplink,
        {
            "source": "chirpstack-v3",
            "dev_eui": "0202020202020202",
            "f_cnt": 10,
            "f_port": 5,
            "payload": bytes.fromhex("016700fa016840"),
            "received_at": t("2016-11-25T16:24:37.295915+00:00"),  # rxInfo[].time
            "device_name": "garden-sensor",
            "application_id": "123",
            "decoded": {"temperatureSensor": {"1": 25}, "humiditySensor": {"1": 32}},
            "frequency_hz": 868100000,
            "data_rate": None,  # json_v3 gives only the regional dr index
        },
        rx=(("0303030303030303", "rooftop-gateway", -57.0, 10.0),),
    ),
    "chirpstack-v3-up-protobuf-json.json": Case(
        Uplink,
        {
            "dev_eui": "0202020202020202",  # base64 AgICAgICAgI= in the body
            "f_cnt": 10,
            "f_port": 5,
            "payload": bytes.fromhex("016700fa016840"),
            "received_at": t("2019-11-08T13:59:25.048445+00:00"),
            "decoded": {"temperatureSensor": 25, "humiditySensor": 32},  # from objectJSON
            "data_rate": "SF11BW125",  # loRaModulationInfo, bandwidth in kHz
            "bandwidth_hz": 125000,
        },
        rx=(("0303030303030303", None, -48.0, 9.0),),
    ),
    "chirpstack-v3-join.json": Case(
        NetworkEvent,
        {"source": "chirpstack-v3", "kind": "join", "time": ARRIVAL},
        details={"dev_addr": "06682EA2"},
    ),
    "chirpstack-v3-status.json": Case(
        DeviceStatus,
        {"battery_level": 75.5, "margin_db": 6.0, "external_power": False, "time": ARRIVAL},
    ),
    "chirpstack-v3-ack.json": Case(
        NetworkEvent, {"kind": "ack"}, details={"acknowledged": True, "f_cnt_down": 12}
    ),
    "chirpstack-v3-error.json": Case(
        NetworkEvent,
        {"kind": "log", "dev_eui": "0202020202020202"},
        details={"level": "ERROR", "code": "DATA_UP_FCNT", "f_cnt": 123},
    ),
}


def parse_sample(sample: Sample) -> list[Message]:
    if sample.topic is None:  # the Storage Integration HTTP records
        return [netserver.parse_storage_record(p, arrival_time=ARRIVAL) for p in sample.payloads]
    return [netserver.parse(sample.topic, p, arrival_time=ARRIVAL) for p in sample.payloads]


def test_every_fixture_file_has_a_case() -> None:
    assert sorted(CASES) == names()


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_maps_to_expected_message(name: str) -> None:
    case = CASES[name]
    sample = load(name)
    if case.type is None:
        with pytest.raises(EnvelopeError) as info:
            parse_sample(sample)
        assert info.value.reason == case.error
        return
    for message in parse_sample(sample):
        assert type(message) is case.type
        for attribute, expected in case.values.items():
            assert getattr(message, attribute) == expected, attribute
        if case.rx is not None:
            assert isinstance(message, Uplink)
            got = tuple((r.gateway_eui, r.gateway_id, r.rssi, r.snr) for r in message.receptions)
            assert got == case.rx
        if case.details:
            assert isinstance(message, NetworkEvent)
            for key, expected in case.details.items():
                assert message.details[key] == expected, key


def test_protobuf_fixtures_parse_like_their_json_twins() -> None:
    for json_name, protobuf_name in [
        ("chirpstack-v4-up.json", "chirpstack-v4-up.protobuf.json"),
        ("chirpstack-v4-up-multigw-object.json", "chirpstack-v4-up-multigw-object.protobuf.json"),
    ]:
        assert parse_sample(load(json_name)) == parse_sample(load(protobuf_name))


def test_storage_record_helper_reads_each_record() -> None:
    messages = parse_sample(load("ttn-v3-storage-uplink-message.json"))
    assert [m.f_cnt for m in messages if isinstance(m, Uplink)] == [43, 44]
    assert [m.received_at for m in messages if isinstance(m, Uplink)] == [
        t("2020-08-24T10:08:44.634338+00:00"),
        t("2020-08-24T10:08:48.931407+00:00"),
    ]


def test_minimal_ttn_uplink_parses_once_it_has_a_dev_eui() -> None:
    payload = body("ttn-v3-uplink-minimal.json")
    payload["end_device_ids"]["dev_eui"] = "70B3D57ED0000001"
    message = netserver.parse(
        "v3/foo-app/devices/foo-device/up", _dumps(payload), arrival_time=ARRIVAL
    )
    assert isinstance(message, Uplink)
    assert (message.f_port, message.f_cnt, message.payload) == (42, 42, b"\x01\x02\x03")
    assert message.decoded == {"test_key": 42}
    assert message.received_at == ARRIVAL  # the message carries no time of its own
    assert message.receptions == ()


def test_simulated_fixture_is_skipped_with_a_reason() -> None:
    (message,) = parse_sample(load("ttn-v3-uplink-simulated.json"))
    assert isinstance(message, Skipped)
    assert message.reason.startswith("simulated uplink")


def test_ttn_location_survives_as_gateway_location() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["rx_metadata"][0]["location"] = {
        "latitude": 51.34,
        "longitude": 12.37,
        "altitude": 110,
        "source": "SOURCE_REGISTRY",
    }
    message = netserver.parse("v3/app1@tenant1/devices/dev1/up", _dumps(payload))
    assert isinstance(message, Uplink)
    (rx,) = message.receptions
    assert (rx.latitude, rx.longitude, rx.altitude) == (51.34, 12.37, 110.0)
    assert rx.time == t("2020-02-12T15:15:45.787+00:00")


def test_v3_events_without_arrival_time_are_errors_not_guesses() -> None:
    sample = load("chirpstack-v3-status.json")
    assert sample.topic is not None
    with pytest.raises(EnvelopeError, match="arrival_time"):
        netserver.parse(sample.topic, sample.payloads[0])


def _dumps(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)


def test_local_eui_is_stable_unicast_and_locally_administered() -> None:
    eui = local_eui("foo-app", "foo-device")
    assert eui == local_eui("foo-app", "foo-device")
    assert eui != local_eui("foo-app", "other-device")
    assert eui != local_eui("other-app", "foo-device")
    first = int(eui[:2], 16)
    assert first & 0x02  # locally administered: never an IEEE-assigned DevEUI
    assert not first & 0x01  # unicast
