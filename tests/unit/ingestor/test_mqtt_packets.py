"""PUBLISH packets read by the ingestor's own handler, built byte by byte from the MQTT specs.

MQTT 3.1.1 and 5.0, section 3.3.2: topic name (2-byte length, UTF-8), packet identifier when
QoS > 0, in MQTT 5 a property length (variable byte integer) and the properties, then the
payload.
"""

from __future__ import annotations

import struct

import pytest

from ingestor.mqtt import MalformedPacket, read_publish

TOPIC = "v3/farm@ttn/devices/probe-7/up"
BODY = b'{"uplink_message": {}}'


def publish(topic: bytes, mid: int | None, properties: bytes | None, payload: bytes) -> bytes:
    out = struct.pack("!H", len(topic)) + topic
    if mid is not None:
        out += struct.pack("!H", mid)
    if properties is not None:
        out += bytes([len(properties)]) + properties  # lengths < 128: one byte
    return out + payload


def test_mqtt_311_qos1_gives_topic_packet_id_and_payload() -> None:
    raw = publish(TOPIC.encode(), 0x1234, None, BODY)
    assert read_publish(raw, qos=1, v5=False) == (TOPIC, 0x1234, BODY)


def test_mqtt_5_properties_are_skipped_not_taken_for_payload() -> None:
    # payload format indicator (0x01 = 1) and a user property ("k" = "v")
    props = b"\x01\x01" + b"\x26" + b"\x00\x01k" + b"\x00\x01v"
    raw = publish(TOPIC.encode(), 7, props, BODY)
    assert read_publish(raw, qos=1, v5=True) == (TOPIC, 7, BODY)
    assert read_publish(publish(TOPIC.encode(), 8, b"", BODY), qos=1, v5=True) == (TOPIC, 8, BODY)


def test_a_multi_byte_property_length_is_read_as_a_variable_byte_integer() -> None:
    props = b"\x26" + b"\x00\x01k" + struct.pack("!H", 190) + b"x" * 190  # 196 bytes
    raw = struct.pack("!H", len(TOPIC)) + TOPIC.encode() + b"\x00\x09"
    raw += bytes([0x80 | (len(props) & 0x7F), len(props) >> 7]) + props + BODY
    assert read_publish(raw, qos=1, v5=True) == (TOPIC, 9, BODY)


def test_a_topic_that_is_not_utf8_is_passed_on_for_its_dead_letter() -> None:
    raw = struct.pack("!H", 4) + b"v3/\xff" + b"\x00\x01" + b"\x00" + BODY
    topic, mid, payload = read_publish(raw, qos=1, v5=True)
    assert (topic, mid, payload) == ("v3/\ufffd", 1, BODY)


def test_qos0_has_no_packet_id() -> None:
    raw = publish(TOPIC.encode(), None, b"", BODY)
    assert read_publish(raw, qos=0, v5=True) == (TOPIC, 0, BODY)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00",  # not even a topic length
        struct.pack("!H", 50) + b"short",  # topic runs past the packet
        struct.pack("!H", 0) + b"\x00\x01" + b"\x00" + BODY,  # empty topic (no alias asked)
        publish(TOPIC.encode(), 1, None, b"") + b"\x7f",  # properties beyond the end
    ],
)
def test_malformed_packets_raise_instead_of_passing_garbage_on(raw: bytes) -> None:
    with pytest.raises(MalformedPacket):
        read_publish(raw, qos=1, v5=True)
