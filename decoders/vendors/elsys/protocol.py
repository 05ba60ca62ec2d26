"""The Elsys uplink payload shared by every Elsys sensor (ERS, ELT, EMS families).

Source: Elsys "Sensor payload" document, "Payload structure" (https://www.elsys.se/en/
elsys-payload/, Elsys-LoRa-payload_v10): the payload is a sequence of `type (1) | data (n)`
records, big-endian; the type fixes the data size and conversion, and a device sends the
records it has in any order. Field names are Elsys's own (its generic decoder's output:
`temperature`, `humidity`, `vdd`, ...), so a user comparing with Elsys's documentation or
decoder finds the same keys. An unknown type cannot be skipped (its size is unknown), so it
ends the payload with an error; 0x3E (settings) carries its own length byte.

Each model declares the canonical quantities it can carry; other records still decode to
fields but give no reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Category, Decoded, DecoderSpec, Reading


@dataclass(frozen=True, slots=True)
class Value:
    """One value inside a record: its Elsys name, signedness, size, divisor and reading."""

    name: str
    size: int
    signed: bool = False
    divisor: float = 1.0
    quantity: str | None = None
    channel: int = 0
    factor: float = 1.0  # canonical = value * factor

    def read(self, data: bytes, offset: int) -> float:
        """The value at `offset`; whole numbers stay int when the divisor is 1."""
        raw = int.from_bytes(data[offset : offset + self.size], "big", signed=self.signed)
        return raw / self.divisor if self.divisor != 1 else raw


def _v(name: str, size: int, signed: bool = False, divisor: float = 1.0, **kw: Any) -> Value:
    return Value(name, size, signed, divisor, **kw)


TYPES: Mapping[int, tuple[Value, ...]] = {
    0x01: (_v("temperature", 2, True, 10, quantity="air_temperature"),),
    0x02: (_v("humidity", 1, quantity="relative_humidity"),),
    0x03: (_v("x", 1, True), _v("y", 1, True), _v("z", 1, True)),
    0x04: (_v("light", 2, quantity="illuminance"),),
    0x05: (_v("motion", 1, quantity="motion_count"),),
    0x06: (_v("co2", 2, quantity="co2"),),
    0x07: (_v("vdd", 2, quantity="battery_voltage", factor=0.001),),
    0x08: (_v("analog1", 2),),
    0x09: (
        _v("lat", 3, True, 10000, quantity="latitude"),
        _v("long", 3, True, 10000, quantity="longitude"),
    ),
    0x0A: (_v("pulse1", 2),),
    0x0B: (_v("pulseAbs", 4, quantity="pulse_count"),),
    0x0C: (_v("externalTemperature", 2, True, 10, quantity="air_temperature", channel=1),),
    0x0D: (_v("digital", 1),),
    0x0E: (_v("distance", 2, quantity="distance"),),
    0x0F: (_v("accMotion", 1),),
    0x10: (_v("irInternalTemperature", 2, True, 10), _v("irExternalTemperature", 2, True, 10)),
    0x11: (_v("occupancy", 1),),
    0x12: (_v("waterleak", 1),),
    0x14: (_v("pressure", 4, divisor=1000, quantity="air_pressure"),),
    0x15: (_v("soundPeak", 1), _v("soundAvg", 1, quantity="noise_level")),
    0x16: (_v("pulse2", 2),),
    0x17: (_v("pulseAbs2", 4, quantity="pulse_count", channel=1),),
    0x18: (_v("analog2", 2),),
    0x19: (_v("externalTemperature2", 2, True, 10, quantity="air_temperature", channel=2),),
    0x1A: (_v("digital2", 1),),
    0x1B: (_v("analogUv", 4, True),),
    0x1C: (_v("tvoc", 2, quantity="tvoc"),),
    0x3D: (_v("debug", 4),),
}
"""Record type -> its values in payload order (Elsys payload document's type table)."""

GRIDEYE = 0x13  # 1 reference byte + 64 pixels: pixel = reference + byte / 10 °C
SETTINGS = 0x3E  # length byte + that many setting bytes


def decode(payload: bytes, quantities: frozenset[str]) -> Decoded:
    """Decode one Elsys uplink; readings only for the model's `quantities`.

    Raises:
        PayloadLengthError: an empty payload or a record cut short.
        ReservedValueError: a record type the payload document does not define.
    """
    if not payload:
        raise PayloadLengthError(expected="1 or more", got=0)
    fields: dict[str, Any] = {}
    readings: list[Reading] = []
    offset = 0
    while offset < len(payload):
        kind = payload[offset]
        offset += 1
        if kind == GRIDEYE:
            _need(payload, offset + 65)
            reference = payload[offset]
            fields["grideye"] = [reference + b / 10 for b in payload[offset + 1 : offset + 65]]
            offset += 65
            continue
        if kind == SETTINGS:
            _need(payload, offset + 1)
            size = payload[offset]
            _need(payload, offset + 1 + size)
            fields["settings"] = payload[offset + 1 : offset + 1 + size].hex()
            offset += 1 + size
            continue
        values = TYPES.get(kind)
        if values is None:
            raise ReservedValueError(f"record type 0x{kind:02x} is not defined")
        for value in values:
            _need(payload, offset + value.size)
            number = value.read(payload, offset)
            offset += value.size
            fields[value.name] = number
            if value.quantity in quantities:
                canonical = number * value.factor
                readings.append(Reading(value.quantity, float(canonical), value.channel))
    if "occupancy" in fields and "presence" in quantities and fields["occupancy"] in (0, 2):
        readings.append(Reading("presence", 1.0 if fields["occupancy"] == 2 else 0.0))
    return Decoded(fields=fields, readings=tuple(_last_per_key(readings)))


def _need(payload: bytes, end: int) -> None:
    if end > len(payload):
        raise PayloadLengthError(expected=end, got=len(payload))


def _last_per_key(readings: list[Reading]) -> list[Reading]:
    """A record type sent twice keeps its last value, as the fields do."""
    keyed = {(r.quantity, r.channel): r for r in readings}
    return list(keyed.values())


_ENCODE: dict[tuple[str, int], tuple[int, Value]] = {
    (v.quantity, v.channel): (kind, v)
    for kind, values in TYPES.items()
    if len(values) == 1
    for v in values
    if v.quantity is not None
}


def encode(readings: Sequence[Reading], quantities: frozenset[str]) -> bytes:
    """One record per reading (single-value record types only).

    Raises:
        ValueError: a reading the model does not carry, or a value that does not fit.
    """
    body = bytearray()
    for reading in readings:
        found = _ENCODE.get((reading.quantity, reading.channel))
        if found is None or reading.quantity not in quantities:
            raise ValueError(f"no Elsys record of this model carries {reading.quantity}")
        kind, value = found
        raw = round(reading.value / value.factor * value.divisor)
        pack = bits.pack_int if value.signed else bits.pack_uint
        body += bytes((kind,)) + pack(raw, value.size)
    return bytes(body)


SOURCE = (
    "Elsys Sensor payload document, Payload structure and type table "
    "(https://www.elsys.se/en/elsys-payload/)"
)


def model_spec(
    type_id: str, model: str, category: Category, quantities: frozenset[str]
) -> DecoderSpec:
    """The DecoderSpec of one Elsys model (any fPort; Elsys sends on 5 by default)."""

    def decode_model(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - any port
        return decode(payload, quantities)

    def encode_model(readings: Sequence[Reading]) -> tuple[int, bytes]:
        return 5, encode(readings, quantities)

    return DecoderSpec(
        type_id=type_id,
        vendor="Elsys",
        model=model,
        category=category,
        f_ports=frozenset(),
        quantities=quantities,
        source=SOURCE,
        decode=decode_model,
        encode=encode_model,
    )
