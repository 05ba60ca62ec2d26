"""Bosch Parking Lot Sensor (TPS110): occupancy of one parking space.

Source: Bosch "Parking Lot Sensor - LoRaWAN Communication Interface Description" (firmware
0.39.x), uplink messages:

* fPort 1, heartbeat, 1 byte: bit 0 = parking space occupied.
* fPort 2, parking status change, 1 byte: bit 0 = occupied.
* fPort 3, start-up message, 17 bytes: debug information (12), firmware version (3: major,
  minor, patch), reset cause (1: 1 watchdog, 2 power on, 3 system request, 4 other),
  parking status (1).

Bosch's own codec in the TTN device repository for firmware 0.29.2
(vendor/bosch/tps110-0292-codec.yaml, tpl110-0292.js) numbers the ports the other way
round (1 parking status, 2 heartbeat) and adds what this decoder also reads:

* the heartbeat may carry a second byte, the device temperature in °C as a signed byte;
  it is read on either occupancy port;
* the 12 debug bytes of the start-up message are three 4-byte entries, each holding a
  12-bit debug code in its first two bytes (little-endian, low nibble of the second
  byte); zero means no entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decoders.errors import PayloadLengthError, ReservedValueError, UnknownPortError
from decoders.model import Decoded, DecoderSpec, Reading

HEARTBEAT, STATUS, STARTUP = 1, 2, 3
STARTUP_LENGTH = 17
RESET_CAUSES = {
    1: "WATCHDOG_RESET",
    2: "POWER_ON_RESET",
    3: "SYSTEM_REQUEST_RESET",
    4: "OTHER_RESET",
}


def _occupancy(byte: int) -> int:
    if byte & 0xFE:
        raise ReservedValueError(f"parking status 0x{byte:02X} has reserved bits set")
    return byte & 0x01


def decode(payload: bytes, f_port: int) -> Decoded:
    """Decode one parking-sensor uplink."""
    if f_port in (HEARTBEAT, STATUS):
        if len(payload) not in (1, 2):
            raise PayloadLengthError(expected="1 or 2", got=len(payload))
        occupied = _occupancy(payload[0])
        fields: dict[str, Any] = {"occupied": occupied}
        if len(payload) == 2:
            fields["temperature"] = payload[1] - 0x100 if payload[1] & 0x80 else payload[1]
        return Decoded(fields=fields, readings=(Reading("parking_occupied", float(occupied)),))
    if f_port != STARTUP:
        raise UnknownPortError(f_port)
    if len(payload) != STARTUP_LENGTH:
        raise PayloadLengthError(expected=STARTUP_LENGTH, got=len(payload))
    occupied = _occupancy(payload[16])
    cause = payload[15]
    codes = [((payload[i + 1] & 0x0F) << 8) | payload[i] for i in (0, 4, 8)]
    fields = {
        "debug": payload[0:12].hex().upper(),
        "debug_codes": [code for code in codes if code],
        "firmware_version": f"{payload[12]}.{payload[13]}.{payload[14]}",
        "reset_cause": cause,
        "reset_cause_name": RESET_CAUSES.get(cause, "UNKNOWN"),
        "occupied": occupied,
    }
    return Decoded(fields=fields, readings=(Reading("parking_occupied", float(occupied)),))


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build a parking-status uplink that decodes to `readings` (for the simulator).

    Raises:
        ValueError: anything but one parking_occupied reading of 0 or 1.
    """
    values = {r.quantity: r.value for r in readings}
    if set(values) != {"parking_occupied"} or values["parking_occupied"] not in (0, 1):
        raise ValueError(f"TPS110 carries one parking_occupied of 0 or 1, got {values}")
    return STATUS, bytes((int(values["parking_occupied"]),))


SPEC = DecoderSpec(
    type_id="bosch/tps110",
    vendor="Bosch",
    model="Parking Lot Sensor (TPS110)",
    category="smart_city",
    f_ports=frozenset({HEARTBEAT, STATUS, STARTUP}),
    quantities=frozenset({"parking_occupied"}),
    source="Bosch Parking Lot Sensor LoRaWAN Communication Interface Description, fw 0.39",
    decode=decode,
    encode=encode,
)
