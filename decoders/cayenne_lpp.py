"""Cayenne Low Power Payload (LPP): the generic channel/type/value format many makers emit.

Each record is `channel (1 byte) | type (1 byte) | value (type-specific size)`, big-endian.
The type byte is the IPSO Smart Object id minus 3200. The table below is the extended type
set (the myDevices Cayenne LPP specification plus the additions the ElectronicCats CayenneLPP
library documents: frequency, percentage, altitude, load, concentration, power, distance,
energy, direction, unix time, colour, switch), written from those type descriptions.

The type id is `cayenne/lpp`: LPP is a format, not a device, so the TTN device repository has
no vendor id for it; TTN itself offers it as a built-in "CayenneLPP" formatter. Any fPort is
accepted. Fields follow the usual LPP naming, `<type>_<channel>` (e.g. `temperature_1: 27.2`);
LPP channels become `Reading.channel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading


@dataclass(frozen=True, slots=True)
class LppType:
    """One LPP data type: wire size, signedness and resolution of each component."""

    type_id: int
    name: str
    size: int
    signed: bool
    resolution: float  # value = raw * resolution
    components: tuple[str, ...] = ()  # named sub-values for multi-value types (x/y/z, ...)
    quantity: str | None = None  # canonical quantity of a single-value type
    canonical_factor: float = 1.0  # LPP unit -> canonical unit


# One row per type. Multi-value types split `size` evenly over their components.
LPP_TYPES: tuple[LppType, ...] = (
    LppType(0, "digital_input", 1, False, 1),
    LppType(1, "digital_output", 1, False, 1),
    LppType(2, "analog_input", 2, True, 0.01),
    LppType(3, "analog_output", 2, True, 0.01),
    LppType(100, "generic_sensor", 4, False, 1),
    LppType(101, "illuminance", 2, False, 1, quantity="illuminance"),
    LppType(102, "presence", 1, False, 1, quantity="presence"),
    LppType(103, "temperature", 2, True, 0.1, quantity="air_temperature"),
    LppType(104, "humidity", 1, False, 0.5, quantity="relative_humidity"),
    LppType(113, "accelerometer", 6, True, 0.001, components=("x", "y", "z")),  # G
    LppType(115, "barometer", 2, False, 0.1, quantity="air_pressure"),  # hPa
    LppType(116, "voltage", 2, False, 0.01, quantity="voltage"),  # V
    LppType(117, "current", 2, False, 0.001, quantity="current"),  # A
    LppType(118, "frequency", 4, False, 1, quantity="frequency"),  # Hz
    LppType(120, "percentage", 1, False, 1),  # % of what is up to the maker
    LppType(121, "altitude", 2, True, 1, quantity="altitude"),  # m
    LppType(122, "load", 3, True, 0.001, quantity="mass"),  # kg
    LppType(125, "concentration", 2, False, 1),  # ppm of an unnamed substance
    LppType(128, "power", 2, False, 1, quantity="power"),  # W
    LppType(130, "distance", 4, False, 0.001, quantity="distance", canonical_factor=1000),  # m
    LppType(131, "energy", 4, False, 0.001, quantity="energy"),  # kWh
    LppType(132, "direction", 2, False, 1),  # deg
    LppType(133, "unixtime", 4, False, 1),  # s since 1970
    LppType(134, "gyrometer", 6, True, 0.01, components=("x", "y", "z")),  # deg/s
    LppType(135, "colour", 3, False, 1, components=("r", "g", "b")),
    LppType(136, "gps", 9, True, 0, components=("latitude", "longitude", "altitude")),
    LppType(142, "switch", 1, False, 1),
)
BY_ID = {t.type_id: t for t in LPP_TYPES}
BY_QUANTITY = {t.quantity: t for t in LPP_TYPES if t.quantity}

# GPS components have different resolutions: 0.0001 deg, 0.0001 deg, 0.01 m.
_GPS_RESOLUTION = {"latitude": 0.0001, "longitude": 0.0001, "altitude": 0.01}


def _read_int(payload: bytes, offset: int, size: int, signed: bool) -> int:
    chunk = payload[offset : offset + size]
    if len(chunk) != size:
        raise PayloadLengthError(expected=f"{offset + size} or more", got=len(payload))
    return int.from_bytes(chunk, "big", signed=signed)


def _decode_value(lpp: LppType, payload: bytes, offset: int) -> float | dict[str, float]:
    if lpp.name == "gps":
        return {
            name: round(_read_int(payload, offset + 3 * i, 3, True) * _GPS_RESOLUTION[name], 6)
            for i, name in enumerate(lpp.components)
        }
    if lpp.components:
        width = lpp.size // len(lpp.components)
        return {
            name: _scale(_read_int(payload, offset + width * i, width, lpp.signed), lpp.resolution)
            for i, name in enumerate(lpp.components)
        }
    return _scale(_read_int(payload, offset, lpp.size, lpp.signed), lpp.resolution)


def _scale(raw: int, resolution: float) -> float:
    # Rounding to the resolution's decimals turns 272 * 0.1 = 27.200000000000003 into 27.2.
    decimals = max(0, -int(f"{resolution:e}".split("e")[1]))
    return round(raw * resolution, decimals) if resolution != 1 else float(raw)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - LPP ignores the port
    """Decode every `channel | type | value` record of an LPP payload."""
    if not payload:
        raise PayloadLengthError(expected="at least 3", got=0)
    fields: dict[str, Any] = {}
    readings: list[Reading] = []
    warnings: list[str] = []
    offset = 0
    while offset < len(payload):
        if offset + 2 > len(payload):
            raise PayloadLengthError(expected=f"{offset + 2} or more", got=len(payload))
        channel, type_id = payload[offset], payload[offset + 1]
        lpp = BY_ID.get(type_id)
        if lpp is None:
            raise ReservedValueError(f"unknown LPP type {type_id} on channel {channel}")
        value = _decode_value(lpp, payload, offset + 2)
        offset += 2 + lpp.size
        key = f"{lpp.name}_{channel}"
        if key in fields:
            warnings.append(f"{key} appears twice; the last value is kept in fields")
        fields[key] = value
        if isinstance(value, dict):
            if lpp.name == "gps":
                readings.extend(Reading(q, value[q], channel) for q in lpp.components)
        elif lpp.quantity is not None:
            readings.append(Reading(lpp.quantity, value * lpp.canonical_factor, channel))
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """LPP records for `readings`; latitude+longitude+altitude on one channel become a GPS record.

    Raises:
        ValueError: no readings, a quantity LPP cannot carry, or a value outside the type's range.
    """
    if not readings:
        raise ValueError("an LPP payload needs at least one record")
    by_channel: dict[int, dict[str, float]] = {}
    for reading in readings:
        by_channel.setdefault(reading.channel, {})[reading.quantity] = reading.value
    out = bytearray()
    for channel, values in by_channel.items():
        if not 0 <= channel <= 255:
            raise ValueError(f"LPP channel {channel} is not a byte")
        if {"latitude", "longitude", "altitude"} <= values.keys():
            out += bytes((channel, 136))
            for name in ("latitude", "longitude", "altitude"):
                out += bits.pack_int(round(values.pop(name) / _GPS_RESOLUTION[name]), 3)
        for quantity, value in values.items():
            lpp = BY_QUANTITY.get(quantity)
            if lpp is None:
                raise ValueError(f"Cayenne LPP has no type for {quantity}")
            raw = round(value / lpp.canonical_factor / lpp.resolution)
            packer: Callable[[int, int], bytes] = bits.pack_int if lpp.signed else bits.pack_uint
            out += bytes((channel, lpp.type_id)) + packer(raw, lpp.size)
    return 1, bytes(out)


SPEC = DecoderSpec(
    type_id="cayenne/lpp",
    vendor="myDevices",
    model="Cayenne LPP (generic format)",
    category="generic",
    f_ports=frozenset(),
    quantities=frozenset({t.quantity for t in LPP_TYPES if t.quantity} | set(_GPS_RESOLUTION)),
    source=(
        "myDevices Cayenne Low Power Payload specification and the ElectronicCats CayenneLPP "
        "type table (https://github.com/ElectronicCats/CayenneLPP, README/API.md)"
    ),
    decode=decode,
    encode=encode,
)
