"""Decentlab DL-SDD: soil moisture, temperature and salinity profile (Sentek Drill & Drop).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-SDD Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/soil-moisture-temperature-and-salinity-profile-for-
lorawan): sensor 0 carries levels 0 to 5 and sensor 1 levels 6 to 11 (longer probes), each
eighteen words: moisture at level n (x - 32768) / 100 %, then temperature at level n
(x - 32768) / 100 °C, then salinity at level n x - 100; sensor 2 is the battery, x / 1000 V.

The word 0 marks a level the probe does not have (-327.68 after conversion): the field keeps
the datasheet value, no reading is made (channel = level). Salinity is a dimensionless
index and stays a field.
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
                "moisture_at_level_0",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=0,
                missing=0,
            ),
            P(
                "moisture_at_level_1",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=1,
                missing=0,
            ),
            P(
                "moisture_at_level_2",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=2,
                missing=0,
            ),
            P(
                "moisture_at_level_3",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=3,
                missing=0,
            ),
            P(
                "moisture_at_level_4",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=4,
                missing=0,
            ),
            P(
                "moisture_at_level_5",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=5,
                missing=0,
            ),
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
            P("salinity_at_level_0", None, bias=-100),
            P("salinity_at_level_1", None, bias=-100),
            P("salinity_at_level_2", None, bias=-100),
            P("salinity_at_level_3", None, bias=-100),
            P("salinity_at_level_4", None, bias=-100),
            P("salinity_at_level_5", None, bias=-100),
        )
    ),
    protocol.Sensor(
        (
            P(
                "moisture_at_level_6",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=6,
                missing=0,
            ),
            P(
                "moisture_at_level_7",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=7,
                missing=0,
            ),
            P(
                "moisture_at_level_8",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=8,
                missing=0,
            ),
            P(
                "moisture_at_level_9",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=9,
                missing=0,
            ),
            P(
                "moisture_at_level_10",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=10,
                missing=0,
            ),
            P(
                "moisture_at_level_11",
                "%",
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                channel=11,
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
            P("salinity_at_level_6", None, bias=-100),
            P("salinity_at_level_7", None, bias=-100),
            P("salinity_at_level_8", None, bias=-100),
            P("salinity_at_level_9", None, bias=-100),
            P("salinity_at_level_10", None, bias=-100),
            P("salinity_at_level_11", None, bias=-100),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-SDD uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-sdd",
    vendor="Decentlab",
    model="DL-SDD",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-SDD Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
