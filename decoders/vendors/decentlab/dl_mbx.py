"""Decentlab DL-MBX: ultrasonic distance / level sensor (MaxBotix rangefinder).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-MBX Datasheet", section "Sensor data message format": sensor 0 distance
x mm (computed from the valid ones of 15 samples) and number of valid samples x; sensor 1 battery
x / 1000 V. Distance is what the device measures; water or fill level needs the mounting
height, an installation fact, so it is not derived here.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

SENSORS = (
    protocol.Sensor(
        (
            protocol.Parameter("distance", "mm", quantity="distance"),
            protocol.Parameter("number_of_valid_samples", None),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-MBX uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-mbx",
    vendor="Decentlab",
    model="DL-MBX",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-MBX Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
