"""The Decentlab uplink format shared by every DL-* device, and a table-driven codec for it.

From the "Sensor data message format" section every Decentlab datasheet carries:

* header: version (uint8, 2 for the current protocol), device id (uint16), flags (uint16);
* then, for each sensor n whose flag bit n is set, that sensor's data: a fixed number of
  big-endian uint16 words, in sensor order;
* each parameter is a linear conversion of one word, given per model in the datasheet table.

Because the message describes itself (version and flags), the fPort carries nothing; Decentlab
devices send on fPort 1 but the decoder accepts any port. Field names are the datasheet's
parameter names in snake_case (e.g. "Battery voltage" -> `battery_voltage`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, Reading

PROTOCOL_VERSION = 2
HEADER_SIZE = 5


@dataclass(frozen=True, slots=True)
class Parameter:
    """One datasheet row: value = (word - offset) * multiplier / divisor + bias."""

    name: str
    unit: str | None
    offset: float = 0.0
    multiplier: float = 1.0
    divisor: float = 1.0
    bias: float = 0.0
    quantity: str | None = None
    canonical_factor: float = 1.0  # datasheet unit -> canonical unit (e.g. Pa -> hPa: 0.01)
    channel: int = 0

    def value(self, word: int) -> float:
        """The datasheet conversion of one raw word."""
        return (word - self.offset) * self.multiplier / self.divisor + self.bias

    def word(self, value: float) -> int:
        """The raw word that decodes closest to `value` (the simulator's inverse)."""
        raw = round((value - self.bias) * self.divisor / self.multiplier + self.offset)
        if not 0 <= raw <= 0xFFFF:
            raise ValueError(f"{self.name}={value} does not fit the 16-bit word")
        return raw


@dataclass(frozen=True, slots=True)
class Sensor:
    """One flag bit's worth of data: its parameters, one word each, in order."""

    parameters: tuple[Parameter, ...]


BATTERY = Sensor((Parameter("battery_voltage", "V", divisor=1000, quantity="battery_voltage"),))
"""The battery sensor, the last sensor of most models: x / 1000 V."""


def decode(sensors: Sequence[Sensor], payload: bytes) -> Decoded:
    """Decode one Decentlab message against a model's sensor table.

    Raises:
        ReservedValueError: an unknown protocol version, or a flag for a sensor the model lacks.
        PayloadLengthError: the flagged sensors do not account for exactly the payload bytes.
    """
    if len(payload) < HEADER_SIZE:
        raise PayloadLengthError(expected=f"{HEADER_SIZE} or more", got=len(payload))
    version = bits.u8(payload, 0)
    if version != PROTOCOL_VERSION:
        raise ReservedValueError(f"unsupported Decentlab protocol version {version}")
    device_id = bits.u16be(payload, 1)
    flags = bits.u16be(payload, 3)
    if flags >> len(sensors):
        raise ReservedValueError(f"flags 0x{flags:04x} name sensors this model does not have")
    expected = HEADER_SIZE + 2 * sum(
        len(s.parameters) for i, s in enumerate(sensors) if flags & (1 << i)
    )
    if len(payload) != expected:
        raise PayloadLengthError(expected=expected, got=len(payload))
    fields: dict[str, Any] = {"protocol_version": version, "device_id": device_id}
    readings: list[Reading] = []
    offset = HEADER_SIZE
    for index, sensor in enumerate(sensors):
        if not flags & (1 << index):
            continue
        for parameter in sensor.parameters:
            value = parameter.value(bits.u16be(payload, offset))
            offset += 2
            fields[parameter.name] = value
            if parameter.quantity is not None:
                readings.append(
                    Reading(
                        parameter.quantity, value * parameter.canonical_factor, parameter.channel
                    )
                )
    return Decoded(fields=fields, readings=tuple(readings))


def encode(sensors: Sequence[Sensor], readings: Sequence[Reading], device_id: int = 0) -> bytes:
    """A message carrying every sensor for which `readings` has all canonical values.

    Parameters without a canonical quantity (raw or diagnostic values) are sent as the word that
    decodes to their bias, since no reading says what they were.

    Raises:
        ValueError: a reading no sensor of the model carries, or a value out of word range.
    """
    wanted = {(r.quantity, r.channel): r.value for r in readings}
    used: set[tuple[str, int]] = set()
    flags = 0
    body = bytearray()
    for index, sensor in enumerate(sensors):
        keys = [(p.quantity, p.channel) for p in sensor.parameters if p.quantity is not None]
        if not keys or not all(k in wanted for k in keys):
            continue
        flags |= 1 << index
        for parameter in sensor.parameters:
            if parameter.quantity is None:
                body += bits.pack_uint(parameter.word(parameter.bias), 2)
                continue
            key = (parameter.quantity, parameter.channel)
            used.add(key)
            body += bits.pack_uint(parameter.word(wanted[key] / parameter.canonical_factor), 2)
    unused = set(wanted) - used
    if unused:
        raise ValueError(f"no sensor of this model carries {sorted(unused)}")
    header = bytes((PROTOCOL_VERSION,)) + bits.pack_uint(device_id, 2) + bits.pack_uint(flags, 2)
    return header + bytes(body)


def quantities(sensors: Sequence[Sensor]) -> frozenset[str]:
    """Every canonical quantity a model's table can produce (for its DecoderSpec)."""
    return frozenset(p.quantity for s in sensors for p in s.parameters if p.quantity is not None)
