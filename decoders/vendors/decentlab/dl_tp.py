"""Decentlab DL-TP: temperature profile sensor (up to 16 levels).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-TP Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/temperature-profile-for-lorawan): sensor 0 is the
profile, sixteen words: temperature at level n (x - 32768) / 100 °C for n = 0 to 15;
sensor 1 is the battery, x / 1000 V.

The profile is buried in soil (forest soils, permafrost, dikes), so the levels are
`soil_temperature` readings with channel = level. The word 0 marks an unused level
(-327.68 °C after conversion): the field keeps it, no reading is made.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

SENSORS = (
    protocol.Sensor(
        protocol.level_rows(
            "temperature",
            "°C",
            range(16),
            offset=32768,
            divisor=100,
            quantity="soil_temperature",
            missing=0,
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-TP uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-tp",
    vendor="Decentlab",
    model="DL-TP",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-TP Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
