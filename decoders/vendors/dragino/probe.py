"""Frames Dragino's LoRaWAN end nodes share: the single-probe sensors' 11-byte uplink (LSPH01,
LLMS01, LSNPK01) and the fPort 5 device status every newer model sends after joining.

Source: the Dragino user manuals' section 2.3/2.4 "Uplink Payload" (wiki.dragino.com): on
fPort 2, big-endian,

    BAT (2, mV) | Temperature DS18B20 (2, int16 / 10 °C) | probe value 1 (2) | probe value 2
    (2) | ... | flags

Each model names and scales its probe values; the DS18B20 slot is an optional external probe
(0 when none is fitted), so it stays a field and gives no reading.

Device status (the manuals' "Device Status, FPORT=5", e.g. DDS20-LB 2.3.1, LHT52 2.4.1 with
its example `09 01 00 01 00 0B 3A`), 7 bytes, big-endian:

    Sensor Model (1) | Firmware Version (2) | Frequency Band (1) | Sub-band (1) | BAT (2, mV)

* Sensor Model: each manual's "For <model>, this value is 0x.."; a code the calling model
  does not list is reported in hex.
* Firmware Version: the low nibble of the first byte and both nibbles of the second are the
  three digits (the LHT52 example's "0x0100, Means: v1.0.0").
* Frequency Band: 0x01 EU868 ... 0x0E MA869 (the manuals' list).
* Sub-band: 0xFF when the band has none; the field is then left out.
* BAT: battery in mV, the low 14 bits as on the data uplinks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, Reading

PORT = 2
LENGTH = 11
STATUS_PORT = 5
STATUS_LENGTH = 7
NO_SUB_BAND = 0xFF
BANDS = {
    0x01: "EU868",
    0x02: "US915",
    0x03: "IN865",
    0x04: "AU915",
    0x05: "KZ865",
    0x06: "RU864",
    0x07: "AS923",
    0x08: "AS923-1",
    0x09: "AS923-2",
    0x0A: "AS923-3",
    0x0B: "CN470",
    0x0C: "EU433",
    0x0D: "KR920",
    0x0E: "MA869",
}


@dataclass(frozen=True, slots=True)
class Value:
    """One probe value after the DS18B20 slot: field name, scale, signedness, quantity."""

    name: str
    divisor: float
    signed: bool
    quantity: str


def decode(payload: bytes, f_port: int, values: Sequence[Value]) -> dict[str, Any]:
    """Battery, DS18B20 and the probe values; the caller adds the flag byte(s).

    Raises:
        UnknownPortError: not fPort 2.
        PayloadLengthError: not 11 bytes.
    """
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    fields: dict[str, Any] = {
        "Bat": (bits.u16be(payload, 0) & 0x3FFF) / 1000,
        "TempC_DS18B20": bits.s16be(payload, 2) / 10,
    }
    for i, value in enumerate(values):
        raw = (bits.s16be if value.signed else bits.u16be)(payload, 4 + 2 * i)
        fields[value.name] = raw / value.divisor if value.divisor != 1 else raw
    return fields


def readings(fields: dict[str, Any], values: Sequence[Value]) -> tuple[Reading, ...]:
    """Battery voltage and one reading per probe value."""
    found = [Reading("battery_voltage", fields["Bat"])]
    found += [Reading(v.quantity, float(fields[v.name])) for v in values]
    return tuple(found)


def encode(readings: Sequence[Reading], values: Sequence[Value], tail: bytes) -> bytes:
    """The 11-byte frame for `readings` (battery and every probe value), with `tail` flags.

    Raises:
        ValueError: a missing or extra reading, or a value that does not fit.
    """
    got = {r.quantity: r.value for r in readings}
    needed = {"battery_voltage", *(v.quantity for v in values)}
    if set(got) != needed or len(got) != len(readings):
        raise ValueError(f"this probe carries exactly {sorted(needed)}")
    battery = round(got["battery_voltage"] * 1000)
    if not 0 <= battery <= 0x3FFF:
        raise ValueError("battery voltage does not fit 14 bits")
    body = bits.pack_uint(battery, 2) + bits.pack_int(0, 2)
    for v in values:
        raw = round(got[v.quantity] * v.divisor)
        body += bits.pack_int(raw, 2) if v.signed else bits.pack_uint(raw, 2)
    return body + tail


def decode_status(payload: bytes, models: Mapping[int, str], battery_field: str = "BAT") -> Decoded:
    """Decode one 7-byte device-status uplink (fPort 5) of any Dragino model.

    Raises:
        PayloadLengthError: not 7 bytes.
    """
    if len(payload) != STATUS_LENGTH:
        raise PayloadLengthError(expected=STATUS_LENGTH, got=len(payload))
    battery_v = (bits.u16be(payload, 5) & 0x3FFF) / 1000
    fields: dict[str, Any] = {
        "SENSOR_MODEL": models.get(payload[0], f"0x{payload[0]:02x}"),
        "FIRMWARE_VERSION": f"{payload[1] & 0x0F}.{payload[2] >> 4}.{payload[2] & 0x0F}",
        "FREQUENCY_BAND": BANDS.get(payload[3], f"0x{payload[3]:02x}"),
    }
    if payload[4] != NO_SUB_BAND:
        fields["SUB_BAND"] = payload[4]
    fields[battery_field] = battery_v
    return Decoded(fields=fields, readings=(Reading("battery_voltage", battery_v),))
