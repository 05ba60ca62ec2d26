"""Dingtek DF703 ultrasonic waste bin level sensor (level, temperature, tilt, alarms, GPS).

Sources actually read: the title and revision pages of Dingtek's "DF702&DF703 Waste Bin
Sensor Protocol_LoRaWAN V2.8" (2021-08-09); Dingtek's own DF703 uplink examples in the TTN
device repository (`vendor/dingtek/df703-codec.yaml`); and the byte positions in Dingtek's own
DF703 codec, the one that file names (`df703.js`, published by Dingtek, whose output field
names the examples use). The protocol's byte table itself was not available to us; every
position below is one that Dingtek's codec reads and its examples agree with.

    0x80 (head) | forced bit (1) | device type (1) | data type (1) | frame length (1, whole
    frame) | ... | 0x81 (tail)

* Data type 0x01, heartbeat: level (uint16 BE, mm: the distance the ultrasonic sensor
  measures down to the bin contents) | GPS flag (1) | [longitude, latitude: float32
  little-endian each, when the flag is 1] | temperature (1, °C) | angle sign (1: low
  nibble 0 = positive, else negative)
  | angle (1, °) | alarms (1: high nibble full/level alarm, low nibble fire alarm)
  | alarms (1: high nibble fall alarm, low nibble low-battery alarm) | frame counter (uint16
  BE) | 1 reserved byte | tail. A nibble other than 0 means the alarm is raised. Dingtek's
  codec tests the angle sign with an expression that is always false (so it negates every
  angle); we follow the sign byte as its layout intends, which the examples (angle 0) cannot
  tell apart. The temperature byte is read as signed (the device operates down to -20 °C);
  the examples only show 25 °C.
* Data type 0x03, parameter packet: firmware (2: major, minor) | uploadInterval (1, h)
  | detectInterval (1, min) | levelThreshold (1, cm) | fireThreshold (1, °C)
  | fallThreshold (1, °) | fallEnable (1) | 1 byte not described | workMode (1) | further
  bytes (not described; ignored).

Both example frames use fPort 3.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from decoders import bits
from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PORT = 3
HEAD, TAIL = 0x80, 0x81
HEARTBEAT, PARAMETERS = 0x01, 0x03
_FLOAT_LE = struct.Struct("<f")


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one DF703 heartbeat or parameter frame."""
    if f_port != PORT:
        raise UnknownPortError(f_port)
    if len(payload) < 6 or payload[0] != HEAD or payload[-1] != TAIL:
        raise ReservedValueError("frame does not start with 0x80 and end with 0x81")
    if payload[4] != len(payload):
        raise PayloadLengthError(expected=payload[4], got=len(payload))
    header = {"forced": payload[1], "deviceType": payload[2], "dataType": payload[3]}
    if payload[3] == HEARTBEAT:
        return _heartbeat(payload, header)
    if payload[3] == PARAMETERS:
        return Decoded(fields=header | _parameters(payload))
    raise ReservedValueError(f"unknown data type 0x{payload[3]:02X}")


def _heartbeat(payload: bytes, header: dict[str, Any]) -> Decoded:
    gps = payload[7]
    if gps not in (0, 1):
        raise ReservedValueError(f"GPS flag 0x{gps:02X} is not 0 or 1")
    expected = 17 + 8 * gps
    if len(payload) != expected:
        raise PayloadLengthError(expected=expected, got=len(payload))
    level = bits.u16be(payload, 5)
    fields: dict[str, Any] = header | {"level": level, "gps": gps}
    readings = [Reading("distance", float(level))]
    offset = 8
    if gps:
        longitude = _FLOAT_LE.unpack_from(payload, 8)[0]
        latitude = _FLOAT_LE.unpack_from(payload, 12)[0]
        fields |= {"longitude": round(longitude, 6), "latitude": round(latitude, 6)}
        readings += [Reading("latitude", latitude), Reading("longitude", longitude)]
        offset = 16
    raw = payload[offset]
    temperature = raw - 0x100 if raw & 0x80 else raw
    angle = payload[offset + 2] if payload[offset + 1] & 0x0F == 0 else -payload[offset + 2]
    alarms_1, alarms_2 = payload[offset + 3], payload[offset + 4]
    fields |= {
        "temperature": temperature,
        "angle": angle,
        "alarmLevel": alarms_1 >> 4 != 0,
        "alarmFire": alarms_1 & 0x0F != 0,
        "alarmFall": alarms_2 >> 4 != 0,
        "alarmBattery": alarms_2 & 0x0F != 0,
        "frameCounter": bits.u16be(payload, offset + 5),
    }
    readings += [
        Reading("air_temperature", float(temperature)),
        Reading("tilt_angle", float(angle)),
    ]
    return Decoded(fields=fields, readings=tuple(readings))


def _parameters(payload: bytes) -> dict[str, Any]:
    if len(payload) < 16:
        raise PayloadLengthError(expected="at least 16", got=len(payload))
    return {
        "firmware": f"{payload[5]}.{payload[6]}",
        "uploadInterval": payload[7],
        "detectInterval": payload[8],
        "levelThreshold": payload[9],
        "fireThreshold": payload[10],
        "fallThreshold": payload[11],
        "fallEnable": payload[12] != 0,
        "workMode": payload[14],
    }


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a heartbeat (with GPS when latitude/longitude are given; no alarms raised).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    base = {"distance", "air_temperature", "tilt_angle"}
    if set(values) not in (base, base | {"latitude", "longitude"}):
        raise ValueError(
            f"DF703 carries {sorted(base)} [+ latitude, longitude], got {sorted(values)}"
        )
    gps = b""
    if "latitude" in values:
        gps = _FLOAT_LE.pack(values["longitude"]) + _FLOAT_LE.pack(values["latitude"])
    angle = round(values["tilt_angle"])
    body = (
        bits.pack_uint(round(values["distance"]), 2)
        + bytes((1 if gps else 0,))
        + gps
        + bits.pack_int(round(values["air_temperature"]), 1)
        + bytes((0x00 if angle >= 0 else 0x01,))
        + bits.pack_uint(abs(angle), 1)
        + bytes(2)  # no alarm raised
        + bytes(3)  # frame counter 0, reserved byte
    )
    length = 5 + len(body) + 1
    return PORT, bytes((HEAD, 0x00, 0x01, HEARTBEAT, length)) + body + bytes((TAIL,))


SPEC = DecoderSpec(
    type_id="dingtek/df703",
    vendor="Dingtek",
    model="DF703 Ultrasonic Waste Bin Level Sensor",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"distance", "air_temperature", "tilt_angle", "latitude", "longitude"}),
    source=(
        "Dingtek DF702&DF703 Waste Bin Sensor Protocol_LoRaWAN V2.8 (title/revision pages), "
        "Dingtek's DF703 uplink examples and the byte positions of Dingtek's own DF703 codec "
        "in the TTN device repository (vendor/dingtek/df703-codec.yaml, df703.js)"
    ),
    decode=decode,
    encode=encode,
)
