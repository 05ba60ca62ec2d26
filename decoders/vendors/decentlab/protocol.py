"""The Decentlab uplink format shared by every DL-* device, and a table-driven codec for it.

From the "Sensor data message format" section every Decentlab datasheet carries:

* header: version (uint8, 2 for the current protocol), device id (uint16), flags (uint16);
* then, for each sensor n whose flag bit n is set, that sensor's data: a fixed number of
  big-endian uint16 words, in sensor order;
* each parameter is a conversion of the sensor's words, given per model in the datasheet table:
  mostly linear in one word; some datasheets give a polynomial of one word (e.g. the Topp
  equation of DL-TRS12), a 32-bit value from two words, low word first (DL-ZN1, DL-TBRG), or
  two parameters computed from the same word. `Parameter.formula` and `Parameter.words` cover
  those; a word value the datasheet uses for "no sensor connected here" is `Parameter.missing`.

Because the message describes itself (version and flags), the fPort carries nothing; Decentlab
devices send on fPort 1 but the decoder accepts any port. Field names are the datasheet's
parameter names in snake_case (e.g. "Battery voltage" -> `battery_voltage`).
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, Reading

PROTOCOL_VERSION = 2
HEADER_SIZE = 5


Formula = Callable[[Sequence[int]], float]
"""A datasheet conversion of several raw words (or a nonlinear one of one word)."""

Inverse = Callable[[float, Sequence[int]], dict[int, int]]
"""For the simulator: (value, the sensor's words so far) -> {word index: raw word}."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One datasheet row: value = (word - offset) * multiplier / divisor + bias.

    A row with a `formula` instead computes its value from the words at `words` (indices into
    its sensor's words); `inverse`, `span` and `step` then describe it for the simulator.
    Without `words` a row reads the word at its own position in the sensor's table.
    """

    name: str
    unit: str | None
    offset: float = 0.0
    multiplier: float = 1.0
    divisor: float = 1.0
    bias: float = 0.0
    quantity: str | None = None
    canonical_factor: float = 1.0  # datasheet unit -> canonical unit (e.g. Pa -> hPa: 0.01)
    channel: int = 0
    words: tuple[int, ...] | None = None
    formula: Formula | None = None
    inverse: Inverse | None = None
    span: tuple[float, float] | None = None  # datasheet-unit range the simulator may send
    step: float | None = None  # datasheet-unit resolution of a formula row
    missing: int | None = None  # raw word meaning "no sensor here": field kept, no reading

    def value(self, word: int) -> float:
        """The datasheet linear conversion of one raw word."""
        return (word - self.offset) * self.multiplier / self.divisor + self.bias

    def word(self, value: float) -> int:
        """The raw word that decodes closest to `value` (the simulator's inverse)."""
        raw = round((value - self.bias) * self.divisor / self.multiplier + self.offset)
        if not 0 <= raw <= 0xFFFF:
            raise ValueError(f"{self.name}={value} does not fit the 16-bit word")
        return raw

    def limits(self) -> tuple[float, float]:
        """The datasheet-unit range the simulator may draw from (never the `missing` word)."""
        if self.span is not None:
            return self.span
        low_word = 1 if self.missing == 0 else 0
        high_word = 0xFFFE if self.missing == 0xFFFF else 0xFFFF
        ends = sorted((self.value(low_word), self.value(high_word)))
        return ends[0], ends[1]

    def resolution(self) -> float:
        """One raw step in the datasheet unit."""
        if self.step is not None:
            return self.step
        return abs(self.multiplier / self.divisor)


@dataclass(frozen=True, slots=True)
class Sensor:
    """One flag bit's worth of data: `length` words (default one per parameter), in order."""

    parameters: tuple[Parameter, ...]
    length: int | None = None
    size: int = field(init=False)
    """How many 16-bit words this sensor adds to a message (fixed at construction, since
    decode reads it for every sensor of every message)."""

    def __post_init__(self) -> None:
        size = len(self.parameters) if self.length is None else self.length
        object.__setattr__(self, "size", size)


def low_word_first(words: Sequence[int]) -> int:
    """A 32-bit unsigned value sent as two words, low word first (x0 + x1 * 65536)."""
    return words[0] + words[1] * 65536


def split_low_word_first(raw: int) -> tuple[int, int]:
    """The two words of a 32-bit value, low word first; ValueError if it does not fit."""
    if not 0 <= raw <= 0xFFFFFFFF:
        raise ValueError(f"{raw} does not fit 32 bits")
    return raw & 0xFFFF, raw >> 16


def level_rows(
    prefix: str, unit: str | None, levels: range, **conversion: Any
) -> tuple[Parameter, ...]:
    """One datasheet row per profile level, `<prefix>_at_level_<n>`, in level order.

    Rows that become readings take the level as their channel.
    """
    has_reading = conversion.get("quantity") is not None
    return tuple(
        Parameter(f"{prefix}_at_level_{n}", unit, channel=n if has_reading else 0, **conversion)
        for n in levels
    )


BATTERY = Sensor((Parameter("battery_voltage", "V", divisor=1000, quantity="battery_voltage"),))
"""The battery sensor, the last sensor of most models: x / 1000 V."""


@functools.cache
def _words(count: int) -> struct.Struct:
    """Big-endian 16-bit words, `count` of them, read in one call (the ingest hot path)."""
    return struct.Struct(f">{count}H")


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
    present = [sensor for index, sensor in enumerate(sensors) if flags >> index & 1]
    expected = HEADER_SIZE + 2 * sum([sensor.size for sensor in present])
    if len(payload) != expected:
        raise PayloadLengthError(expected=expected, got=len(payload))
    fields: dict[str, Any] = {"protocol_version": version, "device_id": device_id}
    readings: list[Reading] = []
    offset = HEADER_SIZE
    for sensor in present:
        words = _words(sensor.size).unpack_from(payload, offset)
        offset += 2 * sensor.size
        for position, parameter in enumerate(sensor.parameters):
            if parameter.formula is not None:
                used = [words[i] for i in parameter.words or (position,)]
                first = used[0]
                value = parameter.formula(used)
            else:
                first = words[parameter.words[0] if parameter.words else position]
                value = parameter.value(first)
            fields[parameter.name] = value
            if parameter.quantity is None or first == parameter.missing:
                continue
            readings.append(
                Reading(parameter.quantity, value * parameter.canonical_factor, parameter.channel)
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
        words: list[int | None] = [None] * sensor.size
        for position, parameter in enumerate(sensor.parameters):
            if parameter.quantity is None:
                continue
            key = (parameter.quantity, parameter.channel)
            used.add(key)
            value = wanted[key] / parameter.canonical_factor
            if parameter.inverse is not None:
                known = [w or 0 for w in words]
                for i, computed in parameter.inverse(value, known).items():
                    words[i] = computed
            else:
                words[(parameter.words or (position,))[0]] = parameter.word(value)
        for position, parameter in enumerate(sensor.parameters):
            i = (parameter.words or (position,))[0]
            if words[i] is None and parameter.formula is None:
                words[i] = parameter.word(parameter.bias)
        for word in words:
            body += bits.pack_uint(word or 0, 2)
    unused = set(wanted) - used
    if unused:
        raise ValueError(f"no sensor of this model carries {sorted(unused)}")
    header = bytes((PROTOCOL_VERSION,)) + bits.pack_uint(device_id, 2) + bits.pack_uint(flags, 2)
    return header + bytes(body)


def quantities(sensors: Sequence[Sensor]) -> frozenset[str]:
    """Every canonical quantity a model's table can produce (for its DecoderSpec)."""
    return frozenset(p.quantity for s in sensors for p in s.parameters if p.quantity is not None)
