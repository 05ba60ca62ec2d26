"""Bosch Parking Lot Sensor (TPS110): occupancy of one parking space.

Source: Bosch "Parking Lot Sensor - LoRaWAN Communication Interface Description" (firmware
0.39.x), uplink messages:

* fPort 1, heartbeat, 1 byte: bit 0 = parking space occupied.
* fPort 2, parking status change, 1 byte: bit 0 = occupied.
* fPort 3, start-up message, 17 bytes: debug information (12), firmware version (3: major,
  minor, patch), reset cause (1: 1 watchdog, 2 power on, 3 system request, 4 other),
  parking status (1).
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
        if len(payload) != 1:
            raise PayloadLengthError(expected=1, got=len(payload))
        occupied = _occupancy(payload[0])
        return Decoded(
            fields={"occupied": occupied},
            readings=(Reading("parking_occupied", float(occupied)),),
        )
    if f_port != STARTUP:
        raise UnknownPortError(f_port)
    if len(payload) != STARTUP_LENGTH:
        raise PayloadLengthError(expected=STARTUP_LENGTH, got=len(payload))
    occupied = _occupancy(payload[16])
    cause = payload[15]
    fields: dict[str, Any] = {
        "debug": payload[0:12].hex().upper(),
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
