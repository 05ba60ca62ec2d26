"""Sensative Strips LoRaWAN (Multi-sensor, MS +Guard, +Drip, +Comfort, Presence): one codec.

Source: Sensative publishes no prose payload document for the LoRaWAN Strips; its own MIT
translators are the reference, and the layout here was learned from them (this code is
written anew, not transliterated):

* Sensative/strips-lora-translator-open-source: `raw-translate.js` (the "reference design"
  uplink decoder), the report table `STRIPS_REPORTS` in `strips-translate.js` (report ids,
  sizes, units) and the README example `ffff1201` -> presence true;
* Sensative/strips-lora-translator-ttn `strips-ttn-decoder.js` and the TTN device
  repository's vendor/sensative/strips.js with the example in strips-codec.yaml.

fPort 1, a live uplink: historySeqNr (uint16 BE), then reports back to back, each a type
byte followed by its data. Bit 7 of the type marks a report also stored in the strip's
history; prevHistSeqNr is historySeqNr less the number of such reports (modulo 2^16, our
choice: the vendor code lets it go negative). Multi-byte values are big-endian.

    0x00 empty (0)              0x0B tamper report (1, bool)   0x16 disinfect alarm (1, enum)
    0x01 battery (1, %)         0x0C tamper alarm (1, bool)    0x50 humidity + temperature (3)
    0x02 temperature (2)        0x0D flood (1, % wetness)      0x51 humidity + avg temp. (3)
    0x03 temp. alarm (1, bits)  0x0E flood alarm (1, bool)     0x52 door + temperature (3)
    0x04 avg temperature (2)    0x0F foil/oil alarm (1)        0x6E firmware + counters (8)
    0x05 avg temp. alarm (1)    0x10 user switch alarm (1)     0x70 capacitance flood (2)
    0x06 humidity (1, 0.5 %)    0x11 door count (2)            0x71 capacitance pad (2)
    0x07 lux (2)                0x12 presence (1, bool)        0x72 capacitance end (2)
    0x08 lux 2 (2)              0x13 IR proximity (2)
    0x09 door (1, bool)         0x14 IR close proximity (2)
    0x0A door alarm (1, bool)   0x15 close proximity alarm (1)

Temperatures are int16 in 0.1 °C; a temperature alarm byte has bit 0 high, bit 1 low.
Report 0x0F is "FoilAlarm" (bool) in the older tables and an oil alarm level in the newer
TTN codec; both readings of the byte are kept. Report 0x6E is the firmware's git revision
(uint32, hex) and four one-byte counters (start-ups, watchdog resets, stack TX-fail reboots,
bad conditions). An unknown type or a report cut short is an error: without its size the
rest of the frame cannot be placed.

fPort 2, a history uplink (answer to a history request): the first entry's sequence number
(uint16), then entries of seconds-ago (uint32), type byte and the report's data. The entries
stay in `history` as fields, without readings: their times are relative to reception, which
a decoder does not know.

Field names are the vendor translator's (`door`, `doorAlarm`, `tempAlarm.highAlarm`, ...),
with its `{value: x}` wrappers flattened. Readings are the physical quantities only:
battery_level, air_temperature (channel 1 = the strip's running average), relative_humidity
and illuminance (channel 1 = the second lux report), and presence (1/0, the vocabulary's
occupancy quantity, as for the Elsys sensors). The door boolean is kept as sent and
gets no door_open reading: the vendor's own comments disagree on its polarity ("true = door
open" in raw-translate.js, the opposite for report 0x09 in the TTN codec) and the strip's
INVERT_DOOR setting flips it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

LIVE_PORT, HISTORY_PORT = 1, 2
HISTORY_FLAG = 0x80
TYPE_MASK = 0x7F
NO_HISTORY = 0xFFFF  # the sequence number of a strip whose history is not in use
DISINFECT_STATES = {0: "dirty", 1: "occupied", 2: "cleaning", 3: "clean"}

Fields = dict[str, Any]
Readings = dict[tuple[str, int], float]  # (quantity, channel) -> value; a repeat overwrites


@dataclass(frozen=True, slots=True)
class Report:
    """One report type of the vendor table: its name, data size and how to read the data."""

    name: str
    size: int
    read: Callable[[bytes, Fields, Readings], None]


def _temperature(data: bytes, offset: int = 0) -> float:
    return bits.s16be(data, offset) / 10


def _flag(field: str) -> Callable[[bytes, Fields, Readings], None]:
    def read(data: bytes, fields: Fields, _: Readings) -> None:
        fields[field] = bool(data[0])

    return read


def _number(field: str) -> Callable[[bytes, Fields, Readings], None]:
    def read(data: bytes, fields: Fields, _: Readings) -> None:
        fields[field] = data[0] if len(data) == 1 else bits.u16be(data, 0)

    return read


def _alarm(field: str) -> Callable[[bytes, Fields, Readings], None]:
    def read(data: bytes, fields: Fields, _: Readings) -> None:
        fields[field] = {"highAlarm": bool(data[0] & 0x01), "lowAlarm": bool(data[0] & 0x02)}

    return read


def _battery(data: bytes, fields: Fields, readings: Readings) -> None:
    fields["battery"] = data[0]
    readings[("battery_level", 0)] = float(data[0])


def _temp(field: str, channel: int, offset: int = 0) -> Callable[[bytes, Fields, Readings], None]:
    def read(data: bytes, fields: Fields, readings: Readings) -> None:
        value = _temperature(data, offset)
        fields[field] = value
        readings[("air_temperature", channel)] = value

    return read


def _presence(data: bytes, fields: Fields, readings: Readings) -> None:
    fields["presence"] = bool(data[0])
    readings[("presence", 0)] = 1.0 if data[0] else 0.0


def _humidity(data: bytes, fields: Fields, readings: Readings) -> None:
    fields["humidity"] = data[0] / 2
    readings[("relative_humidity", 0)] = data[0] / 2


def _lux(field: str, channel: int) -> Callable[[bytes, Fields, Readings], None]:
    def read(data: bytes, fields: Fields, readings: Readings) -> None:
        fields[field] = bits.u16be(data, 0)
        readings[("illuminance", channel)] = float(fields[field])

    return read


def _humidity_and(field: str, channel: int) -> Callable[[bytes, Fields, Readings], None]:
    temperature = _temp(field, channel, offset=1)

    def read(data: bytes, fields: Fields, readings: Readings) -> None:
        _humidity(data, fields, readings)
        temperature(data, fields, readings)

    return read


def _door_and_temperature(data: bytes, fields: Fields, readings: Readings) -> None:
    fields["door"] = bool(data[0])
    _temp("temperature", 0, offset=1)(data, fields, readings)


def _foil_or_oil(data: bytes, fields: Fields, _: Readings) -> None:
    fields["oilAlarm"] = data[0]
    fields["foilAlarm"] = bool(data[0])


def _disinfect(data: bytes, fields: Fields, _: Readings) -> None:
    fields["disinfectAlarm"] = data[0]
    if data[0] in DISINFECT_STATES:
        fields["disinfectState"] = DISINFECT_STATES[data[0]]


def _firmware(data: bytes, fields: Fields, _: Readings) -> None:
    fields["swversion"] = f"{bits.u32be(data, 0):x}"
    fields["startUpCount"] = data[4]
    fields["watchdogCount"] = data[5]
    fields["stackTxFailRebootCount"] = data[6]
    fields["badConditionsCounter"] = data[7]


def _empty(_data: bytes, fields: Fields, _: Readings) -> None:
    fields["emptyFrame"] = True


REPORTS: dict[int, Report] = {
    0x00: Report("EmptyFrame", 0, _empty),
    0x01: Report("BatteryReport", 1, _battery),
    0x02: Report("TempReport", 2, _temp("temperature", 0)),
    0x03: Report("TempAlarm", 1, _alarm("tempAlarm")),
    0x04: Report("AverageTempReport", 2, _temp("averageTemperature", 1)),
    0x05: Report("AverageTempAlarm", 1, _alarm("avgTempAlarm")),
    0x06: Report("HumidityReport", 1, _humidity),
    0x07: Report("LuxReport", 2, _lux("lux", 0)),
    0x08: Report("LuxReport2", 2, _lux("lux2", 1)),
    0x09: Report("DoorReport", 1, _flag("door")),
    0x0A: Report("DoorAlarm", 1, _flag("doorAlarm")),
    0x0B: Report("TamperReport", 1, _flag("tamperReport")),
    0x0C: Report("TamperAlarm", 1, _flag("tamperAlarm")),
    0x0D: Report("FloodReport", 1, _number("flood")),
    0x0E: Report("FloodAlarm", 1, _flag("floodAlarm")),
    0x0F: Report("FoilAlarm", 1, _foil_or_oil),
    0x10: Report("UserSwitch1Alarm", 1, _flag("userSwitch1Alarm")),
    0x11: Report("DoorCountReport", 2, _number("doorCount")),
    0x12: Report("PresenceReport", 1, _presence),
    0x13: Report("IRProximityReport", 2, _number("IRproximity")),
    0x14: Report("IRCloseProximityReport", 2, _number("IRcloseproximity")),
    0x15: Report("CloseProximityAlarm", 1, _flag("closeProximityAlarm")),
    0x16: Report("DisinfectAlarm", 1, _disinfect),
    0x50: Report("TempHumReport", 3, _humidity_and("temperature", 0)),
    0x51: Report("AvgTempHumReport", 3, _humidity_and("averageTemperature", 1)),
    0x52: Report("TempDoorReport", 3, _door_and_temperature),
    0x6E: Report("FirmwareReport", 8, _firmware),  # the vendor table: UserButton1Alarm, GIT_IDD
    0x70: Report("CapacitanceFloodReport", 2, _number("capacitanceFlood")),
    0x71: Report("CapacitancePadReport", 2, _number("capacitancePad")),
    0x72: Report("CapacitanceEndReport", 2, _number("capacitanceEnd")),
}
"""Report types by id (the type byte without the history flag)."""


def _report(payload: bytes, pos: int, fields: Fields, readings: Readings) -> int:
    """Read the report whose type byte is at `pos`; returns the position after it."""
    type_id = payload[pos] & TYPE_MASK
    report = REPORTS.get(type_id)
    if report is None:
        raise ReservedValueError(f"unknown report type 0x{type_id:02X} at byte {pos}")
    end = pos + 1 + report.size
    if end > len(payload):
        raise PayloadLengthError(
            expected=f"{end} ({report.name} at byte {pos} takes {report.size} data bytes)",
            got=len(payload),
        )
    report.read(payload[pos + 1 : end], fields, readings)
    return end


def _live(payload: bytes) -> Decoded:
    sequence = bits.u16be(payload, 0)
    fields: Fields = {"historySeqNr": sequence, "prevHistSeqNr": sequence}
    readings: Readings = {}
    stored, pos = 0, 2
    while pos < len(payload):
        stored += bool(payload[pos] & HISTORY_FLAG)
        pos = _report(payload, pos, fields, readings)
    fields["prevHistSeqNr"] = (sequence - stored) % 0x10000
    return Decoded(
        fields=fields,
        readings=tuple(Reading(q, v, channel) for (q, channel), v in readings.items()),
    )


def _history(payload: bytes) -> Decoded:
    sequence = bits.u16be(payload, 0)
    entries: list[Fields] = []
    pos = 2
    while pos < len(payload):
        if pos + 5 > len(payload):
            raise PayloadLengthError(
                expected=f"{pos + 5} (history entry at byte {pos}: 4-byte age and a type)",
                got=len(payload),
            )
        entry: Fields = {"seqNr": sequence, "secondsAgo": bits.u32be(payload, pos)}
        pos = _report(payload, pos + 4, entry, {})
        entries.append(entry)
        sequence = (sequence + 1) % 0x10000
    return Decoded(fields={"history": entries})


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one Strips uplink: live reports on fPort 1, stored history on fPort 2."""
    if f_port not in (LIVE_PORT, HISTORY_PORT):
        raise UnknownPortError(f_port)
    if len(payload) < 2:
        raise PayloadLengthError(expected="at least 2 (the sequence number)", got=len(payload))
    return _live(payload) if f_port == LIVE_PORT else _history(payload)


ENCODABLE: dict[tuple[str, int], tuple[int, Callable[[float], bytes]]] = {
    ("battery_level", 0): (0x01, lambda v: bits.pack_uint(round(v), 1)),
    ("air_temperature", 0): (0x02, lambda v: bits.pack_int(round(v * 10), 2)),
    ("air_temperature", 1): (0x04, lambda v: bits.pack_int(round(v * 10), 2)),
    ("relative_humidity", 0): (0x06, lambda v: bits.pack_uint(round(v * 2), 1)),
    ("illuminance", 0): (0x07, lambda v: bits.pack_uint(round(v), 2)),
    ("illuminance", 1): (0x08, lambda v: bits.pack_uint(round(v), 2)),
    ("presence", 0): (0x12, lambda v: bits.pack_uint(round(v), 1)),
}
"""The reports `encode` writes, by the reading they carry: (type byte, value -> data)."""


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a live fPort 1 uplink (history not in use) that decodes to `readings`.

    Raises:
        ValueError: a reading no single report carries, a repeated one, or a value the
            report's bytes cannot hold.
    """
    payload = bytearray(bits.pack_uint(NO_HISTORY, 2))
    seen: set[tuple[str, int]] = set()
    for reading in readings:
        key = (reading.quantity, reading.channel)
        if key not in ENCODABLE or key in seen:
            raise ValueError(f"Strips cannot encode {key} here (repeated or not a report)")
        seen.add(key)
        type_id, pack = ENCODABLE[key]
        payload += bytes((type_id,)) + pack(reading.value)
    return LIVE_PORT, bytes(payload)


SPEC = DecoderSpec(
    type_id="sensative/strips",
    vendor="Sensative",
    model="Strips Multi-sensor (MS +Guard, +Drip, +Comfort, Presence)",
    category="smart_city",
    f_ports=frozenset({LIVE_PORT, HISTORY_PORT}),
    quantities=frozenset(
        {"battery_level", "air_temperature", "relative_humidity", "illuminance", "presence"}
    ),
    source=(
        "No prose payload document exists; layout from Sensative's own MIT translators: "
        "github.com/Sensative/strips-lora-translator-open-source (raw-translate.js, the "
        "STRIPS_REPORTS table in strips-translate.js, README example), "
        "Sensative/strips-lora-translator-ttn (strips-ttn-decoder.js) and the TTN device "
        "repository's vendor/sensative/strips.js and strips-codec.yaml example"
    ),
    decode=decode,
    encode=encode,
)
