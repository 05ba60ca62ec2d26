"""SenseCAP T1000-A/B tracker: device status, location, sensor and error packets on fPort 5.

Source: Seeed "SenseCAP T1000 Tracker Payload Format" (https://wiki.seeedstudio.com/
T1000_payload/) and the T1000-A/B User Guide. A payload is one or more packets, each a
1-byte Data ID and a fixed-size value, big-endian:

* 0x01 device status, event mode (46 bytes): battery %, software and hardware version
  (uint16, high byte major), work mode, positioning strategy, heartbeat interval (min),
  uplink interval (min), event-mode uplink interval (min), temperature & light switch,
  SOS mode, then the motion, motionless, shock, temperature and light event settings
  (temperatures int16 / 10 °C).
* 0x02 device status, periodic mode (15 bytes): the first eleven items of 0x01.
* 0x05 heartbeat (4 bytes): battery %, work mode, positioning strategy, SOS mode.
* 0x06 GNSS location and sensor (21 bytes), 0x07 Wi-Fi and sensor (41), 0x08 Bluetooth and
  sensor (34), 0x09 GNSS only (17), 0x0A Wi-Fi only (37), 0x0B Bluetooth only (30): event
  status (3 bytes, bit flags), motion segment number (1), UTC time (uint32 s), then the
  position (GNSS: longitude, latitude int32 / 1e6 degrees; Wi-Fi: four MAC + RSSI; Bluetooth:
  three MAC + RSSI), then temperature (int16 / 10 °C) and light (uint16, %) for the sensor
  variants, then battery (%).
* 0x0D positioning error code (4 bytes).
* 0x11 positioning status and sensor (13 bytes): status, event status, UTC time,
  temperature, light, battery.

The payload carries its own measurement time (UTC seconds, `utc_time`; `timestamp` is the same
instant in milliseconds, as SenseCAP's decoder reports it), so readings carry `time`. Ports 192 and
199 are the LoRa Edge GNSS/Wi-Fi engine's raw frames (T1000-C/D), which only LoRa Cloud
decodes; they are rejected as unknown ports here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 5

EVENT_FLAGS = (
    "start_moving_event",
    "end_movement_event",
    "motionless_event",
    "shock_event",
    "temperature_event",
    "light_event",
    "sos_event",
    "press_once_event",
)

_STATUS_HEAD = (
    ("battery", 1),
    ("software_version", 2),
    ("hardware_version", 2),
    ("work_mode", 1),
    ("positioning_strategy", 1),
    ("heartbeat_interval", 2),
    ("uplink_interval", 2),
    ("event_mode_uplink_interval", 2),
    ("temp_light_switch", 1),
    ("sos_mode", 1),
)
_STATUS_EVENTS = (
    ("motion_event_enabled", 1),
    ("motion_threshold", 2),
    ("motion_start_interval", 2),
    ("motionless_event_enabled", 1),
    ("motionless_timeout", 2),
    ("shock_event_enabled", 1),
    ("shock_threshold", 2),
    ("temperature_event_enabled", 1),
    ("temperature_event_uplink_interval", 2),
    ("temperature_sample_interval", 2),
    ("temperature_threshold_max", -2),  # negative size: int16 / 10 °C
    ("temperature_threshold_min", -2),
    ("temperature_warning_type", 1),
    ("light_event_enabled", 1),
    ("light_event_uplink_interval", 2),
    ("light_sample_interval", 2),
    ("light_threshold_max", 2),
    ("light_threshold_min", 2),
    ("light_warning_type", 1),
)


def _items(
    data: bytes, layout: tuple[tuple[str, int], ...], fields: dict[str, Any]
) -> dict[str, Any]:
    offset = 0
    for name, size in layout:
        if size < 0:
            fields[name] = bits.s16be(data, offset) / 10
            offset += 2
            continue
        raw = int.from_bytes(data[offset : offset + size], "big")
        fields[name] = f"{raw >> 8}.{raw & 0xFF}" if name.endswith("_version") else raw
        offset += size
    return fields


def _status_event(data: bytes, fields: dict[str, Any]) -> None:
    _items(data, _STATUS_HEAD + _STATUS_EVENTS, fields)


def _status_periodic(data: bytes, fields: dict[str, Any]) -> None:
    _items(data, _STATUS_HEAD, fields)


def _heartbeat(data: bytes, fields: dict[str, Any]) -> None:
    _items(
        data,
        (("battery", 1), ("work_mode", 1), ("positioning_strategy", 1), ("sos_mode", 1)),
        fields,
    )


def _error(data: bytes, fields: dict[str, Any]) -> None:
    fields["error_code"] = bits.u32be(data, 0)


def _scan(data: bytes, offset: int, count: int) -> list[dict[str, Any]]:
    found = []
    for i in range(count):
        mac = data[offset + 7 * i : offset + 7 * i + 6]
        rssi = int.from_bytes(data[offset + 7 * i + 6 : offset + 7 * i + 7], "big", signed=True)
        if mac != b"\xff" * 6 and mac != b"\x00" * 6:
            found.append({"mac": mac.hex(":").upper(), "rssi": rssi})
    return found


def _location(kind: str, sensor: bool) -> Callable[[bytes, dict[str, Any]], None]:
    def parse(data: bytes, fields: dict[str, Any]) -> None:
        events = int.from_bytes(data[0:3], "big")
        fields["event_status"] = events
        for bit, name in enumerate(EVENT_FLAGS):
            fields[name] = bool(events >> bit & 1)
        fields["motion_segment_number"] = data[3]
        fields["utc_time"] = bits.u32be(data, 4)
        offset = 8
        if kind == "gnss":
            fields["longitude"] = bits.s32be(data, offset) / 1e6
            fields["latitude"] = bits.s32be(data, offset + 4) / 1e6
            offset += 8
        elif kind == "wifi":
            fields["wifi_scan"] = _scan(data, offset, 4)
            offset += 28
        else:
            fields["ble_scan"] = _scan(data, offset, 3)
            offset += 21
        if sensor:
            fields["temperature"] = bits.s16be(data, offset) / 10
            fields["light"] = bits.u16be(data, offset + 2)
            offset += 4
        fields["battery"] = data[offset]

    return parse


def _positioning_status(data: bytes, fields: dict[str, Any]) -> None:
    fields["positioning_status"] = data[0]
    events = int.from_bytes(data[1:4], "big")
    fields["event_status"] = events
    for bit, name in enumerate(EVENT_FLAGS):
        fields[name] = bool(events >> bit & 1)
    fields["utc_time"] = bits.u32be(data, 4)
    fields["temperature"] = bits.s16be(data, 8) / 10
    fields["light"] = bits.u16be(data, 10)
    fields["battery"] = data[12]


PACKETS: dict[int, tuple[int, Callable[[bytes, dict[str, Any]], None]]] = {
    0x01: (46, _status_event),
    0x02: (15, _status_periodic),
    0x05: (4, _heartbeat),
    0x06: (21, _location("gnss", sensor=True)),
    0x07: (41, _location("wifi", sensor=True)),
    0x08: (34, _location("ble", sensor=True)),
    0x09: (17, _location("gnss", sensor=False)),
    0x0A: (37, _location("wifi", sensor=False)),
    0x0B: (30, _location("ble", sensor=False)),
    0x0D: (4, _error),
    0x11: (13, _positioning_status),
}

_READINGS = (
    ("battery", "battery_level"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("temperature", "air_temperature"),
)


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one T1000 uplink (one or more packets)."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if not payload:
        raise PayloadLengthError(expected="1 or more", got=0)
    fields: dict[str, Any] = {}
    offset = 0
    while offset < len(payload):
        data_id = payload[offset]
        if data_id not in PACKETS:
            raise ReservedValueError(f"data ID 0x{data_id:02x} is not defined")
        size, parse = PACKETS[data_id]
        end = offset + 1 + size
        if end > len(payload):
            raise PayloadLengthError(expected=end, got=len(payload))
        fields["data_id"] = data_id
        parse(payload[offset + 1 : end], fields)
        offset = end
    time = None
    if "utc_time" in fields:
        time = datetime.fromtimestamp(fields["utc_time"], tz=UTC)
        fields["timestamp"] = fields["utc_time"] * 1000  # ms, as SenseCAP's decoder reports it
    readings = tuple(
        Reading(quantity, float(fields[name]), time=time)
        for name, quantity in _READINGS
        if name in fields
    )
    return Decoded(fields=fields, readings=readings)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """A 0x06 GNSS-and-sensor packet carrying `readings` (for the simulator).

    Raises:
        ValueError: a missing or extra quantity, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_level", "latitude", "longitude", "air_temperature"}
    if set(values) != needed:
        raise ValueError(f"the T1000 GNSS packet carries {sorted(needed)}")
    stamp = next((r.time for r in readings if r.time is not None), None)
    utc = int(stamp.timestamp()) if stamp else 0
    payload = (
        b"\x06\x00\x00\x00\x00"
        + bits.pack_uint(utc, 4)
        + bits.pack_int(round(values["longitude"] * 1e6), 4)
        + bits.pack_int(round(values["latitude"] * 1e6), 4)
        + bits.pack_int(round(values["air_temperature"] * 10), 2)
        + bits.pack_uint(0, 2)
        + bits.pack_uint(round(values["battery_level"]), 1)
    )
    return PORT, payload


SPEC = DecoderSpec(
    type_id="sensecap/sensecapt1000-tracker-ab",
    vendor="SenseCAP",
    model="T1000-A/B",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({q for _, q in _READINGS}),
    source="Seeed SenseCAP T1000 Tracker Payload Format (https://wiki.seeedstudio.com/T1000_payload/)",
    decode=decode,
    encode=encode,
)
