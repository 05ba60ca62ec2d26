"""VEGAPULS Air 41: battery-powered radar level sensor (water level, bins, silos).

Source: VEGA "VEGAPULS Air 41 / 42 Operating Instructions", appendix "LoRaWAN payload"
(packet identifier 8: measured value, battery, temperature, inclination), big-endian:

    packet identifier (1, 0x08) | distance (float32) | distance unit (1, HART unit code:
    45 m, 44 ft, 47 in, 48 cm, 49 mm) | remaining battery (1, %) | electronics temperature
    (int16, 0.1) | temperature unit (1, HART: 32 °C, 33 °F) | inclination (1, °)

There is no TTN device-repository entry for this device in the snapshot the shared vectors
were resolved against; the id `vega/vegapuls-air-41` follows the repository's
`vendor/model` convention. Any fPort is accepted (the identifier byte decides).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

PACKET = 0x08
LENGTH = 11
PORT = 1  # encode() only
TO_MM = {45: 1000.0, 44: 304.8, 47: 25.4, 48: 10.0, 49: 1.0}  # HART length unit -> mm


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the identifier decides
    """Decode one packet-8 uplink."""
    if not payload or payload[0] != PACKET:
        raise ReservedValueError("not a packet-8 (measured value) uplink")
    if len(payload) != LENGTH:
        raise PayloadLengthError(expected=LENGTH, got=len(payload))
    (distance,) = struct.unpack_from(">f", payload, 1)
    unit, battery = payload[5], payload[6]
    temperature_raw = bits.s16be(payload, 7) / 10
    temperature_unit = payload[9]
    if unit not in TO_MM or temperature_unit not in (32, 33):
        raise ReservedValueError(f"unit codes {unit}/{temperature_unit} are not decoded")
    temperature_c = temperature_raw if temperature_unit == 32 else (temperature_raw - 32) / 1.8
    distance_mm = distance * TO_MM[unit]
    fields: dict[str, Any] = {
        "packet_identifier": PACKET,
        "distance": distance,
        "distance_unit": unit,
        "distance_mm": distance_mm,
        "battery": battery,
        "temperature": temperature_raw,
        "temperature_unit": temperature_unit,
        "inclination": payload[10],
    }
    readings = (
        Reading("distance", distance_mm),
        Reading("battery_level", float(battery)),
        Reading("air_temperature", round(temperature_c, 2)),
    )
    return Decoded(fields=fields, readings=readings)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a packet-8 uplink in mm and °C that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"distance", "battery_level", "air_temperature"}
    if set(values) != needed:
        raise ValueError(f"VEGAPULS Air carries exactly {sorted(needed)}, got {sorted(values)}")
    battery = round(values["battery_level"])
    if not 0 <= battery <= 100:
        raise ValueError(f"battery {battery} % out of range")
    payload = (
        bytes((PACKET,))
        + struct.pack(">f", values["distance"])
        + bytes((49, battery))
        + bits.pack_int(round(values["air_temperature"] * 10), 2)
        + bytes((32, 0))
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="vega/vegapuls-air-41",
    vendor="VEGA",
    model="VEGAPULS Air 41",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"distance", "battery_level", "air_temperature"}),
    source="VEGA VEGAPULS Air 41/42 operating instructions, appendix LoRaWAN payload (packet 8)",
    decode=decode,
    encode=encode,
)
