"""Abeeway Compact Tracker: GPS/Wi-Fi/BLE tracker with a common status header.

Source: Abeeway "Trackers Reference Guide" (firmware 2.x), "Uplink messages": every uplink
starts with a 5-byte common header:

    type (1) | status (1) | battery (1) | temperature (1) | ack token (bits 7-4) + optional
    data (bits 3-0) (1)

* status: bits 7-5 operating mode (0 standby, 1 motion tracking, 2 permanent tracking,
  3 motion start/end tracking, 4 activity tracking, 5 off), bit 4 SOS, bit 3 tracking
  active, bit 2 moving, bit 1 periodic position, bit 0 position on demand.
* battery: level in % (0 = charging, 255 = unknown).
* temperature and the other compressed values decode as x * (max - min) / 255 + min:
  temperature -44..85 °C, age 0..2040 s, EHPE 0..1000 m.

Message types decoded here: 0x03 position (optional data 0 = GPS fix with age, latitude and
longitude as the top 24 bits of int32 1e-7°, EHPE; 1 = GPS timeout; 9 = Wi-Fi BSSIDs with
age and up to four (MAC, RSSI) pairs), 0x05 heartbeat (reset cause, firmware and BLE
firmware versions), 0x07 activity status (tag 1: activity counter) and configuration
(tag 2: parameter id + int32 value pairs), 0x0A events (0x09 angle detection, 0x0A
geofencing with their data; 0x00 geolocation start ... 0x08 SOS mode end by name, any
further bytes kept raw). Other types are reported as errors. Any fPort is accepted (the type byte
identifies the message).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import DecodeError, PayloadLengthError, ReservedValueError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 18  # encode() only
MODES = {
    0: "STANDBY",
    1: "MOTION_TRACKING",
    2: "PERMANENT_TRACKING",
    3: "MOTION_START_END_TRACKING",
    4: "ACTIVITY_TRACKING",
    5: "OFF",
}
CONFIG_PARAMETERS = {0x01: "lora_period", 0x15: "shock_detection"}
EVENTS = {
    0x00: "GEOLOC_START",
    0x01: "MOTION_START",
    0x02: "MOTION_END",
    0x03: "BLE_CONNECTED",
    0x04: "BLE_DISCONNECTED",
    0x05: "TEMPERATURE_ALERT",
    0x06: "BLE_BOND_DELETED",
    0x07: "SOS_MODE_START",
    0x08: "SOS_MODE_END",
}
"""Event types 0x00-0x08 of the reference guide's event message (0x09 and 0x0A carry data)."""


def _compressed(x: int, low: float, high: float) -> float:
    return x * (high - low) / 255 + low


def _header(payload: bytes) -> dict[str, Any]:
    status = payload[1]
    return {
        "message_type": payload[0],
        "operating_mode": MODES.get(status >> 5, str(status >> 5)),
        "sos": bool(status & 0x10),
        "tracking_active": bool(status & 0x08),
        "moving": bool(status & 0x04),
        "periodic_position": bool(status & 0x02),
        "on_demand": bool(status & 0x01),
        "battery_level": payload[2],
        "temperature": round(_compressed(payload[3], -44, 85), 1),
        "ack_token": payload[4] >> 4,
    }


def _position(payload: bytes, kind: int) -> tuple[dict[str, Any], list[Reading]]:
    age = round(_compressed(payload[5], 0, 2040))
    if kind == 0:  # GPS fix
        if len(payload) != 13:
            raise PayloadLengthError(expected=13, got=len(payload))
        latitude = bits.s32be(payload[6:9] + b"\x00", 0) / 1e7
        longitude = bits.s32be(payload[9:12] + b"\x00", 0) / 1e7
        ehpe = round(_compressed(payload[12], 0, 1000), 2)
        fix = {"position_type": "GPS", "age": age, "latitude": latitude,
               "longitude": longitude, "ehpe": ehpe}  # fmt: skip
        return fix, [Reading("latitude", latitude), Reading("longitude", longitude)]
    if kind == 1:  # GPS timeout
        return {"position_type": "GPS_TIMEOUT", "timeout_cause": payload[5]}, []
    if kind == 9:  # Wi-Fi BSSIDs
        scans = payload[6:]
        if not scans or len(scans) % 7:
            raise PayloadLengthError(expected="6 + 7 x n", got=len(payload))
        fields: dict[str, Any] = {"position_type": "WIFI_BSSID", "age": age}
        for i in range(0, len(scans), 7):
            fields[f"bssid{i // 7}"] = ":".join(f"{b:02x}" for b in scans[i : i + 6])
            rssi = scans[i + 6]
            fields[f"rssi{i // 7}"] = rssi - 256 if rssi & 0x80 else rssi
        return fields, []
    raise ReservedValueError(f"position type {kind} is not decoded")


def _event(payload: bytes) -> dict[str, Any]:
    event = payload[5]
    if event == 0x09:  # angle detection
        if len(payload) != 22:
            raise PayloadLengthError(expected=22, got=len(payload))
        flags = payload[6]
        return {
            "event_type": "ANGLE_DETECTION",
            "transition_state": flags >> 5,
            "trigger": (flags >> 2) & 0x07,
            "repetition_counter": flags & 0x03,
            "age": bits.u16be(payload, 7),
            **{f"ref_vector_{a}": bits.s16be(payload, 9 + 2 * i) for i, a in enumerate("xyz")},
            **{f"crit_vector_{a}": bits.s16be(payload, 15 + 2 * i) for i, a in enumerate("xyz")},
            "angle": payload[21],
        }
    if event == 0x0A:  # geofencing
        if len(payload) != 10:
            raise PayloadLengthError(expected=10, got=len(payload))
        return {
            "event_type": "GEOFENCING",
            "short_id": payload[6] >> 4,
            "notification": payload[6] & 0x0F,
            "beacon_id": bits.u24be(payload, 7),
        }
    if event in EVENTS:  # the other events: the header says it all; keep any extra bytes
        fields: dict[str, Any] = {"event_type": EVENTS[event]}
        if len(payload) > 6:
            fields["event_data"] = payload[6:].hex()
        return fields
    raise ReservedValueError(f"event type 0x{event:02X} is not decoded")


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - the type byte decides
    """Decode one tracker uplink."""
    if len(payload) < 6:
        raise PayloadLengthError(expected="at least 6", got=len(payload))
    fields = _header(payload)
    readings: list[Reading] = []
    if payload[2] not in (0, 255):
        readings.append(Reading("battery_level", float(payload[2])))
    kind, optional = payload[0], payload[4] & 0x0F
    if kind == 0x03:
        extra, located = _position(payload, optional)
        fields.update(extra)
        readings.extend(located)
    elif kind == 0x05:
        if len(payload) != 12:
            raise PayloadLengthError(expected=12, got=len(payload))
        fields["reset_cause"] = payload[5]
        fields["firmware_version"] = ".".join(str(b) for b in payload[6:9])
        fields["ble_firmware_version"] = ".".join(str(b) for b in payload[9:12])
    elif kind == 0x07:
        tag = payload[5]
        if tag == 0x01:
            if len(payload) != 10:
                raise PayloadLengthError(expected=10, got=len(payload))
            fields["activity_counter"] = bits.u32be(payload, 6)
        elif tag == 0x02:
            pairs = payload[6:]
            if not pairs or len(pairs) % 5:
                raise PayloadLengthError(expected="6 + 5 x n", got=len(payload))
            for i in range(0, len(pairs), 5):
                name = CONFIG_PARAMETERS.get(pairs[i], f"parameter_{pairs[i]}")
                fields[name] = bits.s32be(pairs, i + 1)
        else:
            raise ReservedValueError(f"activity/configuration tag 0x{tag:02X} is not decoded")
    elif kind == 0x0A:
        fields.update(_event(payload))
    else:
        raise DecodeError(f"message type 0x{kind:02X} is not decoded")
    return Decoded(fields=fields, readings=tuple(readings))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a GPS-fix position message that decodes to `readings` (for the simulator).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    needed = {"battery_level", "latitude", "longitude"}
    if set(values) != needed:
        raise ValueError(f"encode takes exactly {sorted(needed)}, got {sorted(values)}")
    battery = round(values["battery_level"])
    if not 1 <= battery <= 254:
        raise ValueError(f"battery level {battery} % is reserved or out of range")
    coordinates = b""
    for name, limit in (("latitude", 90.0), ("longitude", 180.0)):
        if not -limit <= values[name] <= limit:
            raise ValueError(f"{name} {values[name]} out of range")
        raw = min(max(round(values[name] * 1e7 / 256), -(1 << 23)), (1 << 23) - 1)
        coordinates += bits.pack_int(raw, 3)
    header = bytes((0x03, 0x02, battery, 0x82, 0x00))
    return PORT, header + b"\x00" + coordinates + b"\x08"


SPEC = DecoderSpec(
    type_id="abeeway/abeeway-compact-tracker",
    vendor="Abeeway",
    model="Compact Tracker",
    category="smart_city",
    f_ports=frozenset(),
    quantities=frozenset({"battery_level", "latitude", "longitude"}),
    source="Abeeway Trackers Reference Guide (firmware 2.x), Uplink messages",
    decode=decode,
    encode=encode,
)
