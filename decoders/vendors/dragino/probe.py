"""The 11-byte uplink shared by Dragino's single-probe LoRaWAN sensors (LSPH01, LLMS01, LSNPK01).

Source: the Dragino user manuals' section 2.3/2.4 "Uplink Payload" (wiki.dragino.com): on
fPort 2, big-endian,

    BAT (2, mV) | Temperature DS18B20 (2, int16 / 10 °C) | probe value 1 (2) | probe value 2
    (2) | ... | flags

Each model names and scales its probe values; the DS18B20 slot is an optional external probe
(0 when none is fitted), so it stays a field and gives no reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Reading

PORT = 2
LENGTH = 11


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
