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

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (
            P(
                "temperature_at_level_0",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=0,
                missing=0,
            ),
            P(
                "temperature_at_level_1",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=1,
                missing=0,
            ),
            P(
                "temperature_at_level_2",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=2,
                missing=0,
            ),
            P(
                "temperature_at_level_3",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=3,
                missing=0,
            ),
            P(
                "temperature_at_level_4",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=4,
                missing=0,
            ),
            P(
                "temperature_at_level_5",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=5,
                missing=0,
            ),
            P(
                "temperature_at_level_6",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=6,
                missing=0,
            ),
            P(
                "temperature_at_level_7",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=7,
                missing=0,
            ),
            P(
                "temperature_at_level_8",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=8,
                missing=0,
            ),
            P(
                "temperature_at_level_9",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=9,
                missing=0,
            ),
            P(
                "temperature_at_level_10",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=10,
                missing=0,
            ),
            P(
                "temperature_at_level_11",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=11,
                missing=0,
            ),
            P(
                "temperature_at_level_12",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=12,
                missing=0,
            ),
            P(
                "temperature_at_level_13",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=13,
                missing=0,
            ),
            P(
                "temperature_at_level_14",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=14,
                missing=0,
            ),
            P(
                "temperature_at_level_15",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=15,
                missing=0,
            ),
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
