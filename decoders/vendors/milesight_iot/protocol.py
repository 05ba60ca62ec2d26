"""The Milesight IoT uplink format shared by the EM300/EM500/AM300 families.

From the "Uplink Data" section of every Milesight user guide: the payload is a sequence of
channels, each `channel id (1) | channel type (1) | data (n)`, with little-endian integers.
The (id, type) pair names the value and fixes its size and conversion; a device sends the
channels it has in any order. Common ones: 0x01 0x75 battery level (uint8, %), 0x03 0x67
temperature (int16 / 10, °C), 0x04 0x68 humidity (uint8 / 2, %). Each model's table lists
the pairs its guide defines; an unknown pair cannot be skipped (its length is unknown), so it
is an error.

A channel may carry several values (a people counter's in and out counts, a rain gauge's total
and counter): its table entry is then a tuple of `Channel`s read one after the other, each
optionally grouped under a field (`line_1: {total_in: ...}`) and with its own reading channel.
A channel whose layout names its own fields (a dwell-time record names its region) uses
`parse`.

A stored record (channel 20 ce, "Historical Data": sent when data retransmission or a history
enquiry replays what the device logged while offline) is a `History`: a uint32 Unix timestamp
and then `Channel`s; each record is appended to the `history` list and its readings carry that
time.

Every guide's "Basic Information" section also defines the ff channel the device sends on
joining: ff 01 protocol version, ff 09 hardware version, ff 0a firmware version, ff 0b power
on, ff 0f device class, ff 16 serial number (8 bytes); `BASIC` holds those rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from decoders.errors import PayloadLengthError, ReservedValueError
from decoders.model import Decoded, Reading


@dataclass(frozen=True, slots=True)
class Channel:
    """One (channel id, channel type) row: value = int(data, little-endian) / divisor."""

    name: str
    size: int
    signed: bool = False
    divisor: float = 1.0
    quantity: str | None = None
    channel: int = 0  # the Reading's channel (several sensors of one quantity)
    group: str | None = None  # nest the field under this name
    hex: bool = False  # an identifier (serial number): the bytes as a hex string
    parse: Callable[[bytes], Mapping[str, Any]] | None = None  # fields named by the data

    def value(self, data: bytes) -> float:
        """The guide's conversion of the channel's data bytes."""
        raw = int.from_bytes(data, "little", signed=self.signed)
        return raw / self.divisor if self.divisor != 1 else raw

    def data(self, value: float) -> bytes:
        """The data bytes that decode closest to `value` (the simulator's inverse)."""
        raw = round(value * self.divisor)
        try:
            return raw.to_bytes(self.size, "little", signed=self.signed)
        except OverflowError:
            raise ValueError(f"{self.name}={value} does not fit {self.size} bytes") from None


BATTERY = Channel("battery", 1, quantity="battery_level")
TEMPERATURE = Channel("temperature", 2, signed=True, divisor=10, quantity="air_temperature")
HUMIDITY = Channel("humidity", 1, divisor=2, quantity="relative_humidity")


@dataclass(frozen=True, slots=True)
class History:
    """A 20 ce "Historical Data" record: uint32 Unix timestamp, then `parts` in order."""

    parts: tuple[Channel, ...]

    @property
    def size(self) -> int:
        return 4 + sum(c.size for c in self.parts)


Entry = Channel | tuple[Channel, ...] | History
Table = Mapping[tuple[int, int], Entry]

BASIC: Table = {
    (0xFF, 0x01): Channel("protocol_version", 1),
    (0xFF, 0x09): Channel("hardware_version", 2, hex=True),
    (0xFF, 0x0A): Channel("firmware_version", 2, hex=True),
    (0xFF, 0x0B): Channel("power_on", 1),
    (0xFF, 0x0F): Channel("device_class", 1),
    (0xFF, 0x16): Channel("sn", 8, hex=True),
}


def _parts(entry: Entry) -> tuple[Channel, ...]:
    if isinstance(entry, History):
        return entry.parts
    return entry if isinstance(entry, tuple) else (entry,)


def _history(entry: History, data: bytes) -> tuple[dict[str, Any], list[Reading]]:
    timestamp = int.from_bytes(data[:4], "little")
    time = datetime.fromtimestamp(timestamp, UTC)
    record: dict[str, Any] = {"timestamp": timestamp}
    readings: list[Reading] = []
    offset = 4
    for channel in entry.parts:
        value = channel.value(data[offset : offset + channel.size])
        offset += channel.size
        record[channel.name] = value
        if channel.quantity is not None:
            readings.append(Reading(channel.quantity, float(value), channel.channel, time))
    return record, readings


def decode(table: Table, payload: bytes) -> Decoded:
    """Decode one uplink against a model's channel table.

    Raises:
        PayloadLengthError: an empty payload, or a channel cut short.
        ReservedValueError: a (channel id, type) pair the model's guide does not define.
    """
    if not payload:
        raise PayloadLengthError(expected="2 or more", got=0)
    fields: dict[str, Any] = {}
    readings: list[Reading] = []
    offset = 0
    while offset < len(payload):
        if offset + 2 > len(payload):
            raise PayloadLengthError(expected=offset + 2, got=len(payload))
        key = (payload[offset], payload[offset + 1])
        entry = table.get(key)
        if entry is None:
            raise ReservedValueError(f"channel 0x{key[0]:02x} type 0x{key[1]:02x} is not defined")
        offset += 2
        if isinstance(entry, History):
            end = offset + entry.size
            if end > len(payload):
                raise PayloadLengthError(expected=end, got=len(payload))
            record, stored = _history(entry, payload[offset:end])
            fields.setdefault("history", []).append(record)
            readings += stored
            offset = end
            continue
        for channel in _parts(entry):
            end = offset + channel.size
            if end > len(payload):
                raise PayloadLengthError(expected=end, got=len(payload))
            data = payload[offset:end]
            offset = end
            if channel.parse is not None:
                fields.update(channel.parse(data))
                continue
            value: Any = data.hex() if channel.hex else channel.value(data)
            target = fields if channel.group is None else fields.setdefault(channel.group, {})
            target[channel.name] = value
            if channel.quantity is not None:
                readings.append(Reading(channel.quantity, float(value), channel.channel))
    return Decoded(fields=fields, readings=tuple(readings))


def encode(table: Table, readings: Sequence[Reading]) -> bytes:
    """One channel per reading, in table order.

    Raises:
        ValueError: a reading no channel of the model carries, or a value out of range.
    """
    wanted = {(r.quantity, r.channel): r.value for r in readings}
    if len(wanted) != len(readings):
        raise ValueError("one value per (quantity, channel)")
    body = bytearray()
    for key, entry in table.items():
        if isinstance(entry, History):
            continue  # replayed records are not simulated
        parts = _parts(entry)
        carried = [(c.quantity, c.channel) for c in parts if c.quantity is not None]
        if not carried or not any(k in wanted for k in carried):
            continue
        if not all(k in wanted for k in carried) or any(c.parse for c in parts):
            raise ValueError(f"channel {bytes(key).hex()} needs all of {carried}")
        body += bytes(key)
        for c in parts:
            body += c.data(wanted.pop((c.quantity, c.channel)) if c.quantity else 0.0)
    if wanted:
        raise ValueError(f"no channel of this model carries {sorted(wanted)}")
    return bytes(body)


def quantities(table: Table) -> frozenset[str]:
    """Every canonical quantity a model's table can produce (for its DecoderSpec)."""
    return frozenset(
        c.quantity for entry in table.values() for c in _parts(entry) if c.quantity is not None
    )
