"""Dragino LHT65: LoRaWAN temperature and humidity sensor with an external probe connector.

Source: Dragino "LHT65 LoRaWAN Temperature & Humidity Sensor User Manual", sections 2.4
"Uplink Payload" and 2.6 "Datalog" (https://wiki.dragino.com/xwiki/bin/view/Main/User%20Manual
%20for%20LoRaWAN%20End%20Nodes/LHT65%20LoRaWAN%20Temperature%20%26%20Humidity%20Sensor%20User
%20Manual/), and the LHT65N manual's 2.4 "Uplink Payload" / 2.5 "Datalog" for the external
sensor types and status bits the LHT65N firmware added (the LHT65N "use[s] same payload as
LHT65"). Periodic uplinks on fPort 2, big-endian:

    BAT (2) | Built-in temperature (2) | Built-in humidity (2) | Status & Ext (1) | Ext value (4)

* BAT: bits 15-14 battery status (00 ultra low <= 2.50 V, 01 low, 10 OK, 11 good >= 2.65 V),
  bits 13-0 the voltage in mV.
* Built-in temperature (SHT20/SHT31): int16 / 100 °C; humidity: the low 12 bits / 10 %.
* Status & Ext: bits 3-0 the external sensor type; bit 7 set when the external sensor is not
  connected, bit 6 the poll-message flag (a datalog reply, below). The four Ext value bytes
  are absent when the type is 0.
  0x01 E1 temperature probe (DS18B20, int16 / 100 °C; 0x7FFF = no probe connected, the last
  two bytes meaningless), 0x02 TMP117 probe (same scale), 0x04 interrupt (pin level, status),
  0x05 illumination (lux), 0x06 ADC (mV -> V), 0x07 16-bit counter, 0x08 32-bit counter,
  0x0B SHT31 probe (int16 / 100 °C, humidity / 10 %), 0x0F DS18B20 ID (the ROM ID in bytes
  2-5 and 7-10 instead of the built-in values).
  0x09 / 0x0A are the E1 / TMP117 probe "with Unix timestamp": the frame is then
  Ext temperature (2) | Built-in temperature (2) | BAT status (bits 15-14) & humidity (2) |
  Status & Ext (1) | Unix time (4), and carries no battery voltage.
* Datalog (the poll reply, fPort 3; also recognised on fPort 2 by its poll-message flag):
  11-byte entries Ext value (2) | Built-in temperature (2) | humidity (2) | Poll flag & Ext (1)
  | Unix time (4); a reply of 11 zero bytes means nothing was logged in the polled period.
  Each entry's readings carry the entry's own time.

Field names are those of Dragino's own decoder output (`BatV`, `TempC_SHT`, ...;
dragino-end-node-decoder LHT65N v1.5.6, read only to match names). Readings: the built-in
sensor is `air_temperature` / `relative_humidity` on channel 0; an external temperature
probe (E1, TMP117, SHT31) is channel 1 (it is usually a cable probe in a fridge or room).
The LHT65N keeps the same layout (see `lht65n.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORTS = frozenset({2, 3})
DATALOG_PORT = 3
ENTRY = 11
NO_PROBE = 0x7FFF
NOT_CONNECTED = 0x80
POLL_FLAG = 0x40
EXT_SENSORS = {
    0x00: "No external sensor",
    0x01: "Temperature Sensor",
    0x02: "TMP117 Temperature Sensor",
    0x04: "Interrupt Sensor",
    0x05: "Illumination Sensor",
    0x06: "ADC Sensor",
    0x07: "Interrupt Sensor count",
    0x08: "Interrupt Sensor count",
    0x09: "DS18B20 & timestamp",
    0x0A: "TMP117 & timestamp",
    0x0B: "SHT31 Sensor",
    0x0F: "DS18B20ID",
}
PROBE_FIELDS = {0x01: "TempC_DS", 0x09: "TempC_DS", 0x02: "TempC_TMP117", 0x0A: "TempC_TMP117"}
TIMESTAMPED = (0x09, 0x0A)


def _ext_word(ext: int, payload: bytes, at: int, fields: dict[str, Any]) -> list[Reading]:
    """The 2-byte external value at `at` (normal uplink and datalog entry alike)."""
    word = bits.u16be(payload, at)
    if ext in PROBE_FIELDS:
        fields[PROBE_FIELDS[ext]] = bits.s16be(payload, at) / 100
        if word != NO_PROBE:
            return [Reading("air_temperature", fields[PROBE_FIELDS[ext]], 1)]
    elif ext == 0x0B:
        fields["Ext_TempC_SHT"] = bits.s16be(payload, at) / 100
        return [Reading("air_temperature", fields["Ext_TempC_SHT"], 1)]
    elif ext == 0x04:
        fields["Exti_pin_level"] = payload[at]
        fields["Exti_status"] = payload[at + 1]
    elif ext == 0x05:
        fields["ILL_lux"] = word
        return [Reading("illuminance", float(word))]
    elif ext == 0x06:
        fields["ADC_V"] = word / 1000
        return [Reading("voltage", word / 1000)]
    elif ext in (0x07, 0x08):
        fields["Exit_count"] = word
        return [Reading("pulse_count", float(word))]
    return []


def _builtin(payload: bytes, at: int, fields: dict[str, Any]) -> list[Reading]:
    """Built-in temperature and humidity (low 12 bits) at `at`."""
    fields["TempC_SHT"] = bits.s16be(payload, at) / 100
    fields["Hum_SHT"] = (bits.u16be(payload, at + 2) & 0x0FFF) / 10
    return [
        Reading("air_temperature", fields["TempC_SHT"]),
        Reading("relative_humidity", fields["Hum_SHT"]),
    ]


def _timed(readings: list[Reading], when: datetime) -> list[Reading]:
    return [r._replace(time=when) for r in readings]


def _datalog(payload: bytes) -> Decoded:
    """A poll reply: 11-byte entries, each with its own Unix time."""
    if not payload or len(payload) % ENTRY:
        raise PayloadLengthError(expected="a multiple of 11", got=len(payload))
    if not any(payload):
        return Decoded(fields={"DATALOG": []}, warnings=("no data logged in the polled period",))
    entries: list[dict[str, Any]] = []
    readings: list[Reading] = []
    for at in range(0, len(payload), ENTRY):
        ext = payload[at + 6] & 0x0F
        unix = bits.u32be(payload, at + 7)
        when = datetime.fromtimestamp(unix, tz=UTC)
        entry: dict[str, Any] = {}
        found = _ext_word(ext, payload, at, entry)
        found += _builtin(payload, at + 2, entry)
        entry["Ext_sensor"] = EXT_SENSORS.get(ext, f"0x{ext:02x}")
        entry["Poll_message_flag"] = (payload[at + 6] & POLL_FLAG) >> 6
        entry["Systimestamp"] = unix
        entry["time"] = when.isoformat()
        entries.append(entry)
        readings += _timed(found, when)
    return Decoded(fields={"DATALOG": entries}, readings=tuple(readings))


def _timestamped(payload: bytes, ext: int) -> Decoded:
    """Ext 0x09 / 0x0A: probe temperature first, battery status only, Unix time last."""
    fields: dict[str, Any] = {"Bat_status": payload[4] >> 6}
    readings = _ext_word(ext, payload, 0, fields) + _builtin(payload, 2, fields)
    fields["Ext_sensor"] = EXT_SENSORS[ext]
    fields["Systimestamp"] = bits.u32be(payload, 7)
    if payload[6] & NOT_CONNECTED:
        fields["No_connect"] = "Sensor no connection"
    when = datetime.fromtimestamp(fields["Systimestamp"], tz=UTC)
    return Decoded(fields=fields, readings=tuple(_timed(readings, when)))


def decode_frame(payload: bytes, f_port: int) -> Decoded:
    """Decode one LHT65-family uplink (periodic or datalog; shared with the LHT65N)."""
    if f_port not in PORTS:
        raise UnknownPortError(f_port)
    if f_port == DATALOG_PORT or (len(payload) >= ENTRY and payload[6] & POLL_FLAG):
        return _datalog(payload)
    if len(payload) not in (7, 11):
        raise PayloadLengthError(expected="7 or 11", got=len(payload))
    ext = payload[6] & 0x0F
    if ext in TIMESTAMPED and len(payload) == 11:
        return _timestamped(payload, ext)
    bat = bits.u16be(payload, 0)
    battery_v = (bat & 0x3FFF) / 1000
    fields: dict[str, Any] = {"BatV": battery_v, "Bat_status": bat >> 14}
    readings = [Reading("battery_voltage", battery_v)]
    if ext != 0x0F:
        readings += _builtin(payload, 2, fields)
    fields["Ext_sensor"] = EXT_SENSORS.get(ext, f"unknown external sensor 0x{ext:02x}")
    if payload[6] & NOT_CONNECTED:
        fields["No_connect"] = "Sensor no connection"
    warnings: list[str] = []
    if len(payload) == 11:
        if ext == 0x08:
            fields["Exit_count"] = bits.u32be(payload, 7)
            readings.append(Reading("pulse_count", float(fields["Exit_count"])))
        elif ext == 0x0B:
            readings += _ext_word(ext, payload, 7, fields)
            fields["Ext_Hum_SHT"] = (bits.u16be(payload, 9) & 0x0FFF) / 10
            readings.append(Reading("relative_humidity", fields["Ext_Hum_SHT"], 1))
        elif ext == 0x0F:
            fields["ID"] = (payload[2:6] + payload[7:11]).hex()
        elif ext in EXT_SENSORS:
            readings += _ext_word(ext, payload, 7, fields)
        else:
            warnings.append(f"external sensor type 0x{ext:02x} is not documented; value ignored")
    return Decoded(fields=fields, readings=tuple(readings), warnings=tuple(warnings))


def encode_frame(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """An 11-byte fPort 2 uplink with the E1 probe slot (0x7FFF when no probe reading).

    Raises:
        ValueError: a reading the device does not carry, a missing one, or one out of range.
    """
    values = {(r.quantity, r.channel): r.value for r in readings}
    needed = {("battery_voltage", 0), ("air_temperature", 0), ("relative_humidity", 0)}
    if not needed <= set(values) or set(values) - needed - {("air_temperature", 1)}:
        raise ValueError(f"LHT65 carries {sorted(needed)} and the probe, got {sorted(values)}")
    battery_mv = round(values[("battery_voltage", 0)] * 1000)
    if not 0 <= battery_mv <= 0x3FFF:
        raise ValueError(f"battery {battery_mv} mV does not fit 14 bits")
    probe = values.get(("air_temperature", 1))
    probe_word = NO_PROBE if probe is None else round(probe * 100)
    if probe is not None and probe_word == NO_PROBE:
        raise ValueError("the probe value 327.67 °C is the no-probe marker")
    payload = (
        bits.pack_uint(0xC000 | battery_mv, 2)
        + bits.pack_int(round(values[("air_temperature", 0)] * 100), 2)
        + bits.pack_uint(round(values[("relative_humidity", 0)] * 10), 2)
        + b"\x01"
        + bits.pack_int(probe_word, 2)
        + bits.pack_uint(NO_PROBE, 2)
    )
    return 2, payload


QUANTITIES = frozenset(
    {
        "battery_voltage",
        "air_temperature",
        "relative_humidity",
        "illuminance",
        "voltage",
        "pulse_count",
    }
)


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one LHT65 uplink."""
    return decode_frame(payload, f_port)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return encode_frame(readings)


SPEC = DecoderSpec(
    type_id="dragino/lht65",
    vendor="Dragino",
    model="LHT65",
    category="smart_city",
    f_ports=PORTS,
    quantities=QUANTITIES,
    source=(
        "Dragino LHT65 LoRaWAN Temperature & Humidity Sensor User Manual, 2.4 Uplink Payload "
        "(wiki.dragino.com)"
    ),
    decode=decode,
    encode=encode,
)
