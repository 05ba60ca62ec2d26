"""Dragino LGT-92: LoRaWAN GPS tracker with accelerometer and alarm button.

Source: Dragino "LGT-92 LoRa GPS Tracker User Manual", "Uplink Payload" (wiki.dragino.com):
on fPort 2, big-endian,

    Latitude (int32 / 1e6) | Longitude (int32 / 1e6) | Alarm & BAT (2) | MD & LON & FW (1)
    | Roll (int16 / 100 degrees) | Pitch (int16 / 100 degrees) | HDOP (1, optional, / 100)
    | Altitude (int16 / 100 m, optional)

* Alarm & BAT: bit 15 is the alarm flag, the low 14 bits the battery in mV.
* MD & LON & FW: bits 7-6 the motion-detection mode (1 Disable, 2 Move, 3 Collide, as the
  vendor example reads 0x60 as "Disable"), bit 5 the LED (LON) on/off, bits 4-0 the firmware
  version minus 160 (0x60 -> 160).
* A position of 0/0 means no GPS fix; it then gives no position reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 2
LENGTHS = {15: "no HDOP", 16: "HDOP", 18: "HDOP and altitude"}
MODES = {0: "Disable", 1: "Disable", 2: "Move", 3: "Collide"}


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LGT-92 location uplink."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) not in LENGTHS:
        raise PayloadLengthError(expected="15, 16 or 18", got=len(payload))
    latitude = bits.s32be(payload, 0) / 1e6
    longitude = bits.s32be(payload, 4) / 1e6
    alarm_bat = bits.u16be(payload, 8)
    flags = payload[10]
    fields: dict[str, Any] = {
        "latitude": latitude,
        "longitude": longitude,
        "ALARM_status": "TRUE" if alarm_bat & 0x8000 else "FALSE",
        "BatV": (alarm_bat & 0x3FFF) / 1000,
        "MD": MODES[flags >> 6],
        "LON": "ON" if flags & 0x20 else "OFF",
        "FW": 160 + (flags & 0x1F),
        "Roll": bits.s16be(payload, 11) / 100,
        "Pitch": bits.s16be(payload, 13) / 100,
    }
    readings = [Reading("battery_voltage", fields["BatV"])]
    if len(payload) >= 16:
        fields["hdop"] = payload[15] / 100
    if len(payload) == 18:
        fields["altitude"] = bits.s16be(payload, 16) / 100
    if latitude or longitude:
        readings += [Reading("latitude", latitude), Reading("longitude", longitude)]
        if "altitude" in fields:
            readings.append(Reading("altitude", fields["altitude"]))
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """A 15-byte location uplink for battery and position readings (for the simulator).

    Raises:
        ValueError: a missing or extra reading, or a value that does not fit.
    """
    got = {r.quantity: r.value for r in readings}
    if set(got) != {"battery_voltage", "latitude", "longitude"}:
        raise ValueError("the LGT-92 frame carries battery_voltage, latitude and longitude")
    battery = round(got["battery_voltage"] * 1000)
    if not 0 <= battery <= 0x3FFF:
        raise ValueError("battery voltage does not fit 14 bits")
    payload = (
        bits.pack_int(round(got["latitude"] * 1e6), 4)
        + bits.pack_int(round(got["longitude"] * 1e6), 4)
        + bits.pack_uint(battery, 2)
        + b"\x60"
        + bits.pack_int(0, 2)
        + bits.pack_int(0, 2)
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="dragino/lgt92",
    vendor="Dragino",
    model="LGT-92",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"battery_voltage", "latitude", "longitude", "altitude"}),
    source="Dragino LGT-92 LoRa GPS Tracker User Manual, Uplink Payload (wiki.dragino.com)",
    decode=decode,
    encode=encode,
)
