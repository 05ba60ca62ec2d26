"""Dingtek DF703 ultrasonic waste bin level sensor (level, temperature, optional GPS).

Sources actually read: the title and revision pages of Dingtek's "DF702&DF703 Waste Bin
Sensor Protocol_LoRaWAN V2.8" (2021-08-09), and Dingtek's own DF703 and DF702 uplink examples
in the TTN device repository (`vendor/dingtek/df703-codec.yaml`, `df702-codec.yaml`). The
protocol's byte tables were not available to us, so this decoder reads only what those vendor
examples pin down, and says so:

    0x80 (head) | forced bit (1) | device type (1) | data type (1) | frame length (1, whole
    frame) | ... | 0x81 (tail)

* Data type 0x01, heartbeat: level (uint16 BE, mm, the distance the ultrasonic sensor
  measures down to the bin contents) | GPS flag (1) | [longitude, latitude: float32
  little-endian each, when the flag is 1] | temperature (1, °C) | 7 status bytes | tail.
  The examples show the alarm flags (full, fire, fall, battery), the tilt angle and the frame
  counter only as zeros and a 1 somewhere in those 7 bytes; without the byte table we cannot
  place them, so they are returned raw as `status` (hex) and never as readings. The
  temperature byte is read as signed (the device operates down to -20 °C); the examples only
  show 25 °C.
* Data type 0x03, parameter packet: firmware (2: major, minor) | uploadInterval (1, h)
  | detectInterval (1, min) | levelThreshold (1, cm) | fireThreshold (1, °C)
  | fallThreshold (1, °) | further bytes (returned raw as `settings`).

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
STATUS_BYTES = 7
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
    temperature = payload[offset] - 0x100 if payload[offset] & 0x80 else payload[offset]
    fields |= {
        "temperature": temperature,
        "status": payload[offset + 1 : offset + 1 + STATUS_BYTES].hex(),
    }
    readings.append(Reading("air_temperature", float(temperature)))
    return Decoded(fields=fields, readings=tuple(readings))


def _parameters(payload: bytes) -> dict[str, Any]:
    if len(payload) < 13:
        raise PayloadLengthError(expected="at least 13", got=len(payload))
    return {
        "firmware": f"{payload[5]}.{payload[6]}",
        "uploadInterval": payload[7],
        "detectInterval": payload[8],
        "levelThreshold": payload[9],
        "fireThreshold": payload[10],
        "fallThreshold": payload[11],
        "settings": payload[12:-1].hex(),
    }


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a heartbeat (with GPS when latitude/longitude are given; status bytes zero).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    base = {"distance", "air_temperature"}
    if set(values) not in (base, base | {"latitude", "longitude"}):
        raise ValueError(
            f"DF703 carries {sorted(base)} [+ latitude, longitude], got {sorted(values)}"
        )
    gps = b""
    if "latitude" in values:
        gps = _FLOAT_LE.pack(values["longitude"]) + _FLOAT_LE.pack(values["latitude"])
    body = (
        bits.pack_uint(round(values["distance"]), 2)
        + bytes((1 if gps else 0,))
        + gps
        + bits.pack_int(round(values["air_temperature"]), 1)
        + bytes(STATUS_BYTES)
    )
    length = 5 + len(body) + 1
    return PORT, bytes((HEAD, 0x00, 0x01, HEARTBEAT, length)) + body + bytes((TAIL,))


SPEC = DecoderSpec(
    type_id="dingtek/df703",
    vendor="Dingtek",
    model="DF703 Ultrasonic Waste Bin Level Sensor",
    category="smart_city",
    f_ports=frozenset({PORT}),
    quantities=frozenset({"distance", "air_temperature", "latitude", "longitude"}),
    source=(
        "Dingtek DF702&DF703 Waste Bin Sensor Protocol_LoRaWAN V2.8 (title/revision pages only) "
        "and Dingtek's DF703/DF702 uplink examples in the TTN device repository "
        "(vendor/dingtek/df703-codec.yaml); alarm, angle and counter bytes left raw"
    ),
    decode=decode,
    encode=encode,
)
