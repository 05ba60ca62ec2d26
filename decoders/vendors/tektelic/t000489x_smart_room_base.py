"""Tektelic COMFORT Smart Room Sensor (base model T000489x): temperature, humidity, reed switch.

Source: Tektelic "Smart Room Sensor Technical Reference Manual" (T0004890_TRM), "Uplink
Payload Structure": sensor data on fPort 10 as a sequence of records
`channel (1) | type (1) | data`, big-endian:

    00 FF  battery voltage, int16, 0.01 V
    01 00  reed switch state, 1 byte (0x00 = closed, 0xFF = open)
    02 00  light detected, 1 byte (0x00 = dark, 0xFF = light)
    03 67  ambient temperature, int16, 0.1 °C
    04 68  ambient relative humidity, uint8, 0.5 %
    07 71  accelerometer X, Y, Z, 3 x int16, 0.001 g
    08 04  reed switch count, uint16
    0A 00  motion (PIR) state, 1 byte (0x00 = none, 0xFF = detected)
    0B 67  MCU temperature, int16, 0.1 °C
    0D 04  motion event count, uint16
    10 02  light intensity, uint8, %

An unknown channel/type pair cannot be skipped (its length is unknown) and is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 10


def _state(data: bytes) -> int:
    if data[0] not in (0x00, 0xFF):
        raise DecodeError(f"state byte 0x{data[0]:02X} is neither 0x00 nor 0xFF")
    return 1 if data[0] == 0xFF else 0


# (channel, type) -> (size, field name, parse, quantity or None)
_Parse = Callable[[bytes], Any]
RECORDS: dict[tuple[int, int], tuple[int, str, _Parse, str | None]] = {
    (0x00, 0xFF): (2, "battery_voltage", lambda d: bits.s16be(d, 0) / 100, "battery_voltage"),
    (0x01, 0x00): (1, "reed_state", _state, "door_open"),
    (0x02, 0x00): (1, "light_detected", _state, None),
    (0x03, 0x67): (2, "ambient_temperature", lambda d: bits.s16be(d, 0) / 10, "air_temperature"),
    (0x04, 0x68): (1, "relative_humidity", lambda d: d[0] / 2, "relative_humidity"),
    (0x07, 0x71): (
        6,
        "acceleration",
        lambda d: {axis: bits.s16be(d, 2 * i) / 1000 for i, axis in enumerate("xyz")},
        None,
    ),
    (0x08, 0x04): (2, "reed_count", lambda d: bits.u16be(d, 0), None),
    (0x0A, 0x00): (1, "motion_state", _state, "presence"),
    (0x0B, 0x67): (2, "mcu_temperature", lambda d: bits.s16be(d, 0) / 10, None),
    (0x0D, 0x04): (2, "motion_count", lambda d: bits.u16be(d, 0), "motion_count"),
    (0x10, 0x02): (1, "light_intensity", lambda d: d[0], None),
}


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one sensor-data uplink (any sequence of the records above)."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if not payload:
        raise DecodeError("empty payload")
    fields: dict[str, Any] = {}
    readings: list[Reading] = []
    offset = 0
    while offset < len(payload):
        key = (payload[offset], payload[offset + 1])
        record = RECORDS.get(key)
        if record is None:
            raise DecodeError(f"unknown record channel 0x{key[0]:02X} type 0x{key[1]:02X}")
        size, name, parse, quantity = record
        data = payload[offset + 2 : offset + 2 + size]
        if len(data) != size:
            raise DecodeError(f"record {name} truncated")
        if name in fields:
            raise DecodeError(f"record {name} appears twice")
        value = parse(data)
        fields[name] = value
        if quantity is not None:
            readings.append(Reading(quantity, float(value)))
        offset += 2 + size
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a sensor-data uplink with battery, temperature and humidity (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", "air_temperature", "relative_humidity"}
    if set(values) != needed:
        raise ValueError(f"encode takes exactly {sorted(needed)}, got {sorted(values)}")
    humidity = round(values["relative_humidity"] * 2)
    if not 0 <= humidity <= 0xFF:
        raise ValueError(f"humidity {values['relative_humidity']} out of range")
    payload = (
        b"\x03\x67"
        + bits.pack_int(round(values["air_temperature"] * 10), 2)
        + bytes((0x04, 0x68, humidity))
        + b"\x00\xff"
        + bits.pack_int(round(values["battery_voltage"] * 100), 2)
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="tektelic/t000489x-smart-room-base",
    vendor="Tektelic",
    model="COMFORT Smart Room Sensor (base)",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset(
        {
            "battery_voltage",
            "air_temperature",
            "relative_humidity",
            "door_open",
            "presence",
            "motion_count",
        }
    ),
    source="Tektelic Smart Room Sensor Technical Reference Manual (T0004890_TRM), Uplink Payload",
    decode=decode,
    encode=encode,
)
