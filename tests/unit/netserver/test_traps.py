"""The wire-format traps (wire-formats.md §6) and malformed input, one small test each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from chirpstack_api import integration

import netserver
from netserver import DeviceStatus, EnvelopeError, NetworkEvent, Skipped, Uplink
from tests.unit.netserver.samples import body, load

TTN_TOPIC = "v3/app1@tenant1/devices/dev1/up"
CS4_TOPIC = "application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101/event/up"
CS3_TOPIC = "application/123/device/0202020202020202/event/up"
ARRIVAL = datetime(2030, 1, 1, tzinfo=UTC)


def ttn(payload: dict[str, Any]) -> Uplink:
    message = netserver.parse(TTN_TOPIC, orjson.dumps(payload))
    assert isinstance(message, Uplink)
    return message


def cs4(payload: dict[str, Any]) -> Uplink:
    message = netserver.parse(CS4_TOPIC, orjson.dumps(payload))
    assert isinstance(message, Uplink)
    return message


def reason(topic: str, payload: bytes) -> str:
    with pytest.raises(EnvelopeError) as info:
        netserver.parse(topic, payload, arrival_time=ARRIVAL)
    return info.value.reason


# --- zero values vanish (§6.1, §6.12) ----------------------------------------------------


def test_absent_f_cnt_and_f_port_read_as_zero() -> None:
    payload = body("ttn-v3-uplink.json")
    del payload["uplink_message"]["f_cnt"]
    message = ttn(payload)
    assert (message.f_cnt, message.f_port) == (0, 0)


def test_mac_only_uplinks_are_parsed_with_port_zero_and_no_payload() -> None:
    payload = body("ttn-v3-uplink.json")
    del payload["uplink_message"]["frm_payload"]
    del payload["uplink_message"]["decoded_payload"]
    message = ttn(payload)
    assert (message.f_port, message.payload, message.decoded) == (0, b"", None)

    cs = body("chirpstack-v4-up.json")
    cs |= {"fPort": 0, "data": ""}
    message = cs4(cs)
    assert (message.f_port, message.payload) == (0, b"")


def test_full_32_bit_frame_counter() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["f_cnt"] = 0xFFFFFFFF
    assert ttn(payload).f_cnt == 4294967295


# --- numbers as strings, durations ------------------------------------------------------


def test_64_bit_numbers_as_strings_or_numbers() -> None:
    payload = body("ttn-v3-uplink.json")
    assert payload["uplink_message"]["settings"]["frequency"] == "868300000"
    assert ttn(payload).frequency_hz == 868300000
    payload["uplink_message"]["settings"]["frequency"] = 868300000
    assert ttn(payload).frequency_hz == 868300000


@pytest.mark.parametrize(
    ("text", "seconds"), [("0.056576s", 0.056576), ("1s", 1.0), ("0.061696000s", 0.061696)]
)
def test_airtime_duration_strings(text: str, seconds: float) -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["consumed_airtime"] = text
    assert ttn(payload).airtime_s == seconds


def test_airtime_that_is_not_a_duration_is_an_error() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["consumed_airtime"] = "56ms"
    got = reason(TTN_TOPIC, orjson.dumps(payload))
    assert got == "uplink_message.consumed_airtime is not a duration like '0.05s': '56ms'"


# --- EUI case, base64 EUIs ----------------------------------------------------------------


def test_euis_are_upper_case_whatever_the_server_prints() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["end_device_ids"]["dev_eui"] = "0004a30b001c0530"
    payload["uplink_message"]["rx_metadata"][0]["gateway_ids"]["eui"] = "9c5c8e00001a05c4"
    message = ttn(payload)
    assert message.dev_eui == "0004A30B001C0530"
    assert message.receptions[0].gateway_eui == "9C5C8E00001A05C4"
    # ChirpStack prints lower case
    message = cs4(body("chirpstack-v4-up.json"))
    assert message.dev_eui == "0101010101010101"
    assert message.receptions[0].gateway_eui == "0016C001F153A14C"
    assert message.dev_addr == "00189440"


def test_v3_protobuf_json_euis_are_base64_of_the_bytes() -> None:
    payload = body("chirpstack-v3-up-protobuf-json.json")
    payload["devEUI"] = "cLPVfuAAAAE="  # base64 of 70B3D57EE0000001
    payload["devAddr"] = "AVCj9A=="
    message = netserver.parse(CS3_TOPIC, orjson.dumps(payload))
    assert isinstance(message, Uplink)
    assert message.dev_eui == "70B3D57EE0000001"
    assert message.dev_addr == "0150A3F4"
    assert message.receptions[0].gateway_eui == "0303030303030303"


@pytest.mark.parametrize("bad", ["XYZ", "0004A30B001C05", "0004A30B001C0530FF", "zz04A30B001C0530"])
def test_a_malformed_eui_is_an_error(bad: str) -> None:
    payload = body("ttn-v3-uplink.json")
    payload["end_device_ids"]["dev_eui"] = bad
    got = reason(TTN_TOPIC, orjson.dumps(payload))
    assert got == f"end_device_ids.dev_eui is not a 16-digit hex EUI: {bad!r}"


# --- times ---------------------------------------------------------------------------------


def test_nanoseconds_are_truncated_to_microseconds_not_rounded() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["received_at"] = "2020-02-12T15:15:45.789585999Z"
    assert ttn(payload).received_at == datetime(2020, 2, 12, 15, 15, 45, 789585, tzinfo=UTC)
    cs = body("chirpstack-v4-up.json")
    cs["time"] = "2022-07-18T09:34:15.999999999+00:00"
    assert cs4(cs).received_at == datetime(2022, 7, 18, 9, 34, 15, 999999, tzinfo=UTC)


def test_protobuf_nanoseconds_are_truncated_too() -> None:
    sample = load("chirpstack-v4-up.protobuf.json")
    event = integration.UplinkEvent()
    event.ParseFromString(sample.payloads[0])
    event.time.nanos = 999_999_999
    message = netserver.parse(CS4_TOPIC, event.SerializeToString())
    assert isinstance(message, Uplink)
    assert message.received_at.microsecond == 999_999


def test_times_are_utc_whatever_the_offset() -> None:
    cs = body("chirpstack-v4-up.json")
    cs["time"] = "2022-07-18T11:34:15.5+02:00"
    received = cs4(cs).received_at
    assert received == datetime(2022, 7, 18, 9, 34, 15, 500000, tzinfo=UTC)
    assert received.tzinfo is UTC


def test_simulated_uplink_with_a_real_time_is_parsed_and_flagged() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["simulated"] = True
    message = ttn(payload)
    assert message.simulated is True


def test_simulated_uplink_with_zero_time_is_skipped() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["simulated"] = True
    payload["uplink_message"]["received_at"] = "0001-01-01T00:00:00Z"
    message = netserver.parse(TTN_TOPIC, orjson.dumps(payload))
    assert isinstance(message, Skipped)
    assert message.dev_eui == "0004A30B001C0530"
    assert "simulated uplink" in message.reason


def test_zero_gateway_time_counts_as_absent() -> None:
    payload = body("chirpstack-v3-up.json")
    payload["rxInfo"][0]["time"] = "0001-01-01T00:00:00Z"
    message = netserver.parse(CS3_TOPIC, orjson.dumps(payload), arrival_time=ARRIVAL)
    assert isinstance(message, Uplink)
    assert message.received_at == ARRIVAL
    assert message.receptions[0].time is None


def test_no_time_anywhere_without_arrival_time_is_an_error() -> None:
    payload = body("chirpstack-v4-up.json")
    del payload["time"]
    with pytest.raises(EnvelopeError, match="no arrival_time"):
        netserver.parse(CS4_TOPIC, orjson.dumps(payload))


def test_chirpstack_falls_back_to_ns_time_before_arrival_time() -> None:
    payload = body("chirpstack-v4-up.json")
    del payload["time"]
    payload["rxInfo"][0]["nsTime"] = "2022-07-18T09:34:15.800000+00:00"
    message = netserver.parse(CS4_TOPIC, orjson.dumps(payload), arrival_time=ARRIVAL)
    assert isinstance(message, Uplink)
    assert message.received_at == datetime(2022, 7, 18, 9, 34, 15, 800000, tzinfo=UTC)


# --- gateway locations, receptions ---------------------------------------------------------


@pytest.mark.parametrize(
    "loc",
    [{}, {"latitude": 0, "longitude": 0}, {"latitude": 0.0, "longitude": 0.0, "altitude": 12}],
)
def test_empty_or_zero_gateway_location_is_unknown(loc: dict[str, Any]) -> None:
    payload = body("chirpstack-v4-up.json")
    payload["rxInfo"][0]["location"] = loc
    rx = cs4(payload).receptions[0]
    assert (rx.latitude, rx.longitude, rx.altitude) == (None, None, None)


def test_location_on_the_prime_meridian_is_kept() -> None:
    payload = body("chirpstack-v4-up.json")
    payload["rxInfo"][0]["location"] = {"latitude": 51.48}  # longitude 0 omitted
    rx = cs4(payload).receptions[0]
    assert (rx.latitude, rx.longitude, rx.altitude) == (51.48, 0.0, 0.0)


def test_packet_broker_reception_is_keyed_on_the_forwarder_gateway() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["rx_metadata"] = [
        {
            "gateway_ids": {"gateway_id": "packetbroker"},
            "packet_broker": {
                "message_id": "01F...",
                "forwarder_net_id": "000013",
                "forwarder_tenant_id": "ttn",
                "forwarder_gateway_eui": "B827EBFFFE000001",
                "forwarder_gateway_id": "my-gateway",
                "home_network_net_id": "000013",
            },
            "rssi": -101,
            "snr": -3.5,
        }
    ]
    (rx,) = ttn(payload).receptions
    assert (rx.gateway_eui, rx.gateway_id, rx.rssi, rx.snr) == (
        "B827EBFFFE000001",
        "my-gateway",
        -101.0,
        -3.5,
    )


def test_one_reception_per_gateway_keeping_the_strongest_antenna() -> None:
    payload = body("ttn-v3-uplink.json")
    first = payload["uplink_message"]["rx_metadata"][0]
    second = dict(first, antenna_index=1, rssi=-30, channel_rssi=-30, snr=7)
    other = {"gateway_ids": {"gateway_id": "gtw2", "eui": "0000000000000002"}, "rssi": -90}
    payload["uplink_message"]["rx_metadata"] = [first, other, second]
    receptions = ttn(payload).receptions
    assert [(r.gateway_id, r.rssi, r.snr) for r in receptions] == [
        ("gtw1", -30.0, 7.0),
        ("gtw2", -90.0, 0.0),  # absent SNR with an RSSI on LoRa: 0 dB, omitted as zero
    ]


def test_snr_zero_is_omitted_on_the_wire_and_read_back_as_zero() -> None:
    payload = body("chirpstack-v4-up.json")
    del payload["rxInfo"][0]["snr"]
    assert cs4(payload).receptions[0].snr == 0.0
    del payload["rxInfo"][0]["rssi"]
    assert (cs4(payload).receptions[0].rssi, cs4(payload).receptions[0].snr) == (None, None)


# --- status battery ------------------------------------------------------------------------


def test_v4_status_external_power_and_unavailable_battery() -> None:
    topic = CS4_TOPIC.replace("/event/up", "/event/status")
    payload = body("chirpstack-v4-status.json")
    payload |= {"externalPowerSource": True, "batteryLevel": 0}
    message = netserver.parse(topic, orjson.dumps(payload))
    assert isinstance(message, DeviceStatus)
    assert (message.external_power, message.battery_level) == (True, None)
    payload |= {"externalPowerSource": False, "batteryLevelUnavailable": True}
    message = netserver.parse(topic, orjson.dumps(payload))
    assert isinstance(message, DeviceStatus)
    assert (message.external_power, message.battery_level) == (False, None)


@pytest.mark.parametrize(
    ("battery", "level", "external"),
    [(0, None, True), (254, 100.0, False), (127, 50.0, False), (255, None, False)],
)
def test_v3_raw_battery_when_no_percentage(
    battery: int, level: float | None, external: bool
) -> None:
    payload = body("chirpstack-v3-status.json")
    del payload["batteryLevel"]
    payload["battery"] = battery
    topic = CS3_TOPIC.replace("/event/up", "/event/status")
    message = netserver.parse(topic, orjson.dumps(payload), arrival_time=ARRIVAL)
    assert isinstance(message, DeviceStatus)
    assert (message.battery_level, message.external_power) == (level, external)


def test_v4_status_in_protobuf() -> None:
    event = integration.StatusEvent(margin=7, battery_level=88.3)
    event.device_info.dev_eui = "0101010101010101"
    event.time.seconds = 1658136906
    topic = CS4_TOPIC.replace("/event/up", "/event/status")
    message = netserver.parse(topic, event.SerializeToString())
    assert message == DeviceStatus(
        "chirpstack-v4",
        "0101010101010101",
        datetime(2022, 7, 18, 9, 35, 6, tzinfo=UTC),
        88.3,
        7.0,
        False,
    )


# --- event kinds handled on purpose -------------------------------------------------------


def test_chirpstack_commands_and_unknown_events_are_skipped() -> None:
    base = "application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101"
    for suffix in ("command/down", "event/somethingnew"):
        message = netserver.parse(f"{base}/{suffix}", b'{"x": 1}')
        assert isinstance(message, Skipped), suffix


def test_protobuf_integration_event_is_skipped() -> None:
    topic = CS4_TOPIC.replace("/event/up", "/event/integration")
    message = netserver.parse(topic, b"\x0a\x00")
    assert isinstance(message, Skipped)
    assert "IntegrationEvent" in message.reason


def test_protobuf_log_event_is_read_through_chirpstack_api() -> None:
    event = integration.LogEvent(level=integration.ERROR, code=integration.UPLINK_MIC)
    event.device_info.dev_eui = "0101010101010101"
    event.description = "MIC invalid"
    topic = CS4_TOPIC.replace("/event/up", "/event/log")
    message = netserver.parse(topic, event.SerializeToString(), arrival_time=ARRIVAL)
    assert isinstance(message, NetworkEvent)
    assert message.details["level"] == "ERROR"
    assert message.details["code"] == "UPLINK_MIC"
    assert message.time == ARRIVAL


def test_ttn_normalized_payload_and_push_are_skipped() -> None:
    normalized = {"end_device_ids": {"device_id": "dev1"}, "uplink_normalized": {"x": 1}}
    message = netserver.parse(TTN_TOPIC + "/normalized", orjson.dumps(normalized))
    assert isinstance(message, Skipped)
    push = load("ttn-v3-downlink-push.json")
    assert push.topic is not None
    replace = netserver.parse(push.topic.replace("push", "replace"), push.payloads[0])
    assert isinstance(replace, Skipped)


def test_ttn_location_solved_and_service_data() -> None:
    ids = body("ttn-v3-join.json")["end_device_ids"]
    solved = {
        "end_device_ids": ids,
        "received_at": "2024-01-01T00:00:00Z",
        "location_solved": {
            "service": "frm-payload",
            "location": {"latitude": 51.3, "longitude": 12.4, "source": "SOURCE_GPS"},
        },
    }
    message = netserver.parse("v3/app1@ttn/devices/dev1/location/solved", orjson.dumps(solved))
    assert isinstance(message, NetworkEvent)
    assert (message.kind, message.details["latitude"], message.details["longitude"]) == (
        "location",
        51.3,
        12.4,
    )
    data = {"end_device_ids": ids, "service_data": {"service": "lora-cloud", "data": {"a": 1}}}
    message = netserver.parse(
        "v3/app1@ttn/devices/dev1/service/data", orjson.dumps(data), arrival_time=ARRIVAL
    )
    assert isinstance(message, NetworkEvent)
    assert (message.kind, message.details) == ("service_data", {"service": "lora-cloud"})


# --- malformed input -> EnvelopeError with a readable reason -------------------------------


@pytest.mark.parametrize(
    ("topic", "payload", "expected"),
    [
        (TTN_TOPIC, b"not json", "not valid JSON: expected ident at line 1 column 2"),
        (TTN_TOPIC, b"", "empty payload"),
        (TTN_TOPIC, b"[1, 2]", "message must be a JSON object"),
        (TTN_TOPIC, b'{"end_device_ids": {}}', "missing uplink_message (topic event up)"),
        (TTN_TOPIC, b'{"uplink_message": 5}', "uplink_message must be a JSON object"),
        (CS4_TOPIC, b'{"time": "2022-07-18T09:34:15Z"}', "missing deviceInfo"),
        (
            CS4_TOPIC,
            b'{"deviceInfo": {}, "time": "2022-07-18T09:34:15Z"}',
            "missing deviceInfo.devEui",
        ),
        (CS4_TOPIC, b"\xff\xfe garbage", None),
        (
            CS3_TOPIC,
            b"\x0a\x03abc",
            "not JSON: the ChirpStack v3 binary protobuf marshaler is not supported "
            "(configure marshaler json_v3 or json)",
        ),
        (CS3_TOPIC, b'{"applicationID": "1"}', "missing devEUI"),
        (
            "some/other/topic",
            b"{}",
            "unknown topic 'some/other/topic': not a TTS or ChirpStack event topic",
        ),
        ("v3/app/devices/dev/up/extra", b"{}", None),
    ],
)
def test_malformed_messages_name_what_is_wrong(
    topic: str, payload: bytes, expected: str | None
) -> None:
    got = reason(topic, payload)
    if expected is not None:
        assert got == expected
    assert "\n" not in got and len(got) < 300


def test_bad_base64_payload() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["frm_payload"] = "not base64!"
    got = reason(TTN_TOPIC, orjson.dumps(payload))
    assert got == "uplink_message.frm_payload is not valid base64: 'not base64!'"
    cs = body("chirpstack-v4-up.json")
    cs["data"] = "q"
    assert reason(CS4_TOPIC, orjson.dumps(cs)) == "data is not valid base64: 'q'"


def test_wrong_types_and_ranges() -> None:
    payload = body("ttn-v3-uplink.json")
    payload["uplink_message"]["f_cnt"] = "abc"
    assert reason(TTN_TOPIC, orjson.dumps(payload)).startswith(
        "uplink_message.f_cnt: input should be a valid integer, "
        'unable to parse string as an integer (got "abc")'
    )
    payload = body("chirpstack-v4-up.json")
    payload["fPort"] = 300
    assert reason(CS4_TOPIC, orjson.dumps(payload)).startswith(
        "fPort: input should be less than or equal to 255"
    )


def test_v3_object_json_that_is_not_json() -> None:
    payload = body("chirpstack-v3-up-protobuf-json.json")
    payload["objectJSON"] = "{nope"
    assert reason(CS3_TOPIC, orjson.dumps(payload)) == "objectJSON is not valid JSON: '{nope'"


# --- topics and formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "fmt"),
    [
        ("v3/app1@ttn/devices/dev1/up", "ttn-v3"),
        ("v3/app1/devices/dev1/up", "ttn-v3"),  # Open Source: no tenant
        ("v3/app1@tenant1/devices/dev1/down/nack", "ttn-v3"),
        ("v3/app1@tenant1/devices/dev1/location/solved", "ttn-v3"),
        ("v3/app1@tenant1/devices/dev1/up/normalized", "ttn-v3"),
        (CS4_TOPIC, "chirpstack-v4-json"),
        ("application//device/0102030405060708/event/up", "chirpstack-v4-json"),
        (
            "application/00000000-0000-0000-0000-000000001234/device/01/event/status",
            "chirpstack-v4-json",
        ),
        (CS3_TOPIC, "chirpstack-v3"),
        ("application/123/device/0202020202020202/rx", "chirpstack-v3"),  # before v3.11
        ("v3/app1/devices/dev1/something", None),
        ("v3/app1/devices/up", None),
        ("application/1/device/02/event", None),
        ("", None),
    ],
)
def test_detect_format(topic: str, fmt: str | None) -> None:
    assert netserver.detect_format(topic) == fmt


def test_v4_json_and_protobuf_share_topics_and_the_payload_decides() -> None:
    json_sample = load("chirpstack-v4-up.json")
    protobuf_sample = load("chirpstack-v4-up.protobuf.json")
    assert json_sample.topic == protobuf_sample.topic
    padded = b" \n\t" + json_sample.payloads[0]
    assert netserver.parse(CS4_TOPIC, padded) == netserver.parse(
        CS4_TOPIC, protobuf_sample.payloads[0]
    )


def test_forced_format_for_a_custom_topic_template() -> None:
    payload = load("ttn-v3-uplink.json").payloads[0]
    with pytest.raises(EnvelopeError, match="unknown topic"):
        netserver.parse("pubsub/base/uplinks", payload)
    message = netserver.parse("pubsub/base/uplinks", payload, formats=["ttn-v3"])
    assert isinstance(message, Uplink)
    cs_payload = load("chirpstack-v4-up.protobuf.json").payloads[0]
    message = netserver.parse(
        "lora/0101010101010101", cs_payload, formats=["chirpstack-v4-protobuf"]
    )
    assert isinstance(message, Uplink)
    status = load("chirpstack-v4-status.json").payloads[0]
    message = netserver.parse(
        "site-a/devices/0101010101010101/status", status, formats=["chirpstack-v4-json"]
    )
    assert isinstance(message, DeviceStatus)


def test_formats_restrict_recognised_topics() -> None:
    payload = load("chirpstack-v4-up.json").payloads[0]
    with pytest.raises(EnvelopeError, match="matches none of the formats"):
        netserver.parse(CS4_TOPIC, payload, formats=["ttn-v3", "chirpstack-v3"])
    assert isinstance(
        netserver.parse(CS4_TOPIC, payload, formats=["chirpstack-v4-protobuf"]), Uplink
    )
    with pytest.raises(ValueError, match="unknown format"):
        netserver.parse(CS4_TOPIC, payload, formats=["lorawan"])  # type: ignore[list-item]


def test_subscription_topics() -> None:
    assert netserver.subscription_topics("ttn-v3") == ["v3/+/devices/+/up"]
    for fmt in ("chirpstack-v4-json", "chirpstack-v4-protobuf", "chirpstack-v3"):
        topics = netserver.subscription_topics(fmt)
        assert "application/+/device/+/event/up" in topics
        assert "application/+/device/+/event/status" in topics
