"""Nwave Smart Parking Sensor G4 SM (NPS-4.5-SM): occupancy of one parking space.

Sources: Nwave's "Nwave LoRaWAN Parking Sensor - Getting Started" (application protocol
description, §4.2 uplink messages, on Nwave's documentation wiki), Nwave's own uplink examples
and decoder for the G4 sensors in the TTN device repository (`vendor/nwave/nps405-codec.yaml`,
`nps405.js`, which the guide points to for decoding).

* fPort 1, parking status, 1 byte: bit 0 parking status (1 = occupied), bits 7..1 the
  compressed duration of the previous status (below).
* fPort 2, heartbeat (every 24 h by default): byte 0 bit 0 parking status, bits 7..1 the
  hardware health (error) mask, 0 = no issue detected; byte 1 battery voltage,
  2500 + 4 * value mV; byte 2 temperature, signed, value / 2 + 10 °C. The G4 example frame
  carries three further bytes that neither the guide nor Nwave's decoder describes; they are
  not decoded. Nwave's decoder masks the health status with 0x7F, which would count the
  parking bit as an error bit; the example (0x00) does not tell the two apart, and we follow
  the byte layout (status in bit 0). `battery_health` is Nwave's own classification: below
  3000 mV low and below 2900 mV critical, or 2900 and 2800 mV below -5 °C.
* fPort 3, startup (after every start, reboot or (re-)join): firmware version (3: major,
  minor, patch) | reset cause (1: 0 rejoining the network, 1 watchdog, 2 power on, 3 user
  request, 6 brownout, 7 other) | parking status (1, bit 0).
* fPort 6, debug: bytes not described, returned as hex.
* fPort 10, SDI (Bluetooth) tag registration: byte 0 as in the parking status message, then
  either the tag id (4 bytes), as in the guide's example `E91F345678`, or, in Nwave's G4
  example, the tag battery voltage (1 byte, 0x20 = 3.2 V, so value / 10 V) followed by the tag
  id (4 bytes).

Compressed duration (minutes) of the previous status, value v of 7 bits: v below 90 is v
minutes; 90..119 is 90 + (v - 90) * 5 minutes (± 4); 120..126 is 240 + (v - 120) * 60
minutes (± 59); 127 means longer than that (overflow), reported as 660.

The sensor lies flush in the pavement, so its temperature is reported as the temperature of
the surface it is mounted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

PARKING_STATUS, HEARTBEAT, STARTUP, DEBUG, TAG_REGISTRATION = 1, 2, 3, 6, 10
RESET_CAUSES = {
    0: "rejoining_lorawan_network",
    1: "watchdog",
    2: "power_on",
    3: "user_request",
    6: "brownout",
    7: "other",
}
OVERFLOW = 127


def _duration(compressed: int) -> dict[str, Any]:
    """The previous status's duration from its 7-bit compressed form."""
    if compressed < 90:
        minutes, error = compressed, 0
    elif compressed < 120:
        minutes, error = 90 + (compressed - 90) * 5, 4
    elif compressed < OVERFLOW:
        minutes, error = 240 + (compressed - 120) * 60, 59
    else:
        minutes, error = 660, None
    return {
        "previous_state_duration": minutes,
        "previous_state_duration_error": error,
        "previous_state_duration_overflow": compressed == OVERFLOW,
    }


def _status(byte: int) -> tuple[dict[str, Any], tuple[Reading, ...]]:
    occupied = bool(byte & 0x01)
    fields = {"occupied": occupied} | _duration(byte >> 1)
    return fields, (Reading("parking_occupied", float(occupied)),)


def _battery_health(millivolts: int, temperature: float) -> str:
    low, critical = (3000, 2900) if temperature >= -5 else (2900, 2800)
    if millivolts >= low:
        return "normal"
    return "low" if millivolts >= critical else "critical"


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one parking status, heartbeat, startup, debug or tag registration uplink."""
    if f_port == PARKING_STATUS:
        if len(payload) != 1:
            raise PayloadLengthError(expected=1, got=len(payload))
        fields, readings = _status(payload[0])
        return Decoded(fields={"type": "parking_status"} | fields, readings=readings)
    if f_port == HEARTBEAT:
        return _heartbeat(payload)
    if f_port == STARTUP:
        return _startup(payload)
    if f_port == DEBUG:
        return Decoded(fields={"type": "debug", "bytes": payload.hex().upper()})
    if f_port == TAG_REGISTRATION:
        return _tag_registration(payload)
    raise UnknownPortError(f_port)


def _heartbeat(payload: bytes) -> Decoded:
    if len(payload) < 3:
        raise PayloadLengthError(expected="at least 3", got=len(payload))
    occupied = bool(payload[0] & 0x01)
    millivolts = 2500 + 4 * payload[1]
    raw = payload[2] - 0x100 if payload[2] & 0x80 else payload[2]
    temperature = raw / 2 + 10
    fields = {
        "type": "heartbeat",
        "occupied": occupied,
        "hw_health_status": payload[0] >> 1,
        "battery_voltage": millivolts / 1000,
        "battery_health": _battery_health(millivolts, temperature),
        "temperature": temperature,
    }
    readings = (
        Reading("parking_occupied", float(occupied)),
        Reading("battery_voltage", millivolts / 1000),
        Reading("surface_temperature", temperature),
    )
    return Decoded(fields=fields, readings=readings)


def _startup(payload: bytes) -> Decoded:
    if len(payload) != 5:
        raise PayloadLengthError(expected=5, got=len(payload))
    cause = RESET_CAUSES.get(payload[3])
    if cause is None:
        raise ReservedValueError(f"reset cause {payload[3]} is not defined")
    occupied = bool(payload[4] & 0x01)
    fields = {
        "type": "startup",
        "firmware_version": f"{payload[0]}.{payload[1]}.{payload[2]}",
        "reset_cause": cause,
        "occupied": occupied,
    }
    return Decoded(fields=fields, readings=(Reading("parking_occupied", float(occupied)),))


def _tag_registration(payload: bytes) -> Decoded:
    if len(payload) not in (5, 6):
        raise PayloadLengthError(expected="5 or 6", got=len(payload))
    fields, readings = _status(payload[0])
    fields = {"type": "user_registration"} | fields
    if len(payload) == 6:
        fields["tag_battery_voltage"] = payload[1] / 10
    fields["tag_id"] = payload[-4:].hex().upper()
    return Decoded(fields=fields, readings=readings)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a heartbeat that decodes to `readings` (for the simulator; health mask 0).

    Raises:
        ValueError: a missing or unsupported reading, or a value out of range.
    """
    values = {r.quantity: r.value for r in readings}
    wanted = {"parking_occupied", "battery_voltage", "surface_temperature"}
    if set(values) != wanted or values["parking_occupied"] not in (0, 1):
        raise ValueError(f"NPS405 heartbeat carries {sorted(wanted)} (occupied 0/1)")
    battery = round((values["battery_voltage"] * 1000 - 2500) / 4)
    temperature = round((values["surface_temperature"] - 10) * 2)
    if not 0 <= battery <= 255 or not -128 <= temperature <= 127:
        raise ValueError("battery voltage or temperature out of the heartbeat's range")
    return HEARTBEAT, bytes((int(values["parking_occupied"]), battery, temperature & 0xFF))


SPEC = DecoderSpec(
    type_id="nwave/nps405sm",
    vendor="Nwave",
    model="Smart Parking Sensor G4 SM (NPS-4.5-SM)",
    category="smart_city",
    f_ports=frozenset({PARKING_STATUS, HEARTBEAT, STARTUP, DEBUG, TAG_REGISTRATION}),
    quantities=frozenset({"parking_occupied", "battery_voltage", "surface_temperature"}),
    source=(
        "Nwave LoRaWAN Parking Sensor - Getting Started, §4.2 uplink messages "
        "(nwaveio.atlassian.net/wiki/spaces/ND/pages/1654784042); Nwave's G4 examples and "
        "decoder in the TTN device repository (vendor/nwave/nps405-codec.yaml, nps405.js)"
    ),
    decode=decode,
    encode=encode,
)
