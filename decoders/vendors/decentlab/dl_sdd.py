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


def _profile(levels: range) -> protocol.Sensor:
    """Moisture, temperature and salinity of six levels, in that order (one sensor)."""
    return protocol.Sensor(
        (
            *protocol.level_rows(
                "moisture",
                "%",
                levels,
                offset=32768,
                divisor=100,
                quantity="soil_moisture",
                missing=0,
            ),
            *protocol.level_rows(
                "temperature",
                "°C",
                levels,
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                missing=0,
            ),
            *protocol.level_rows("salinity", None, levels, bias=-100),
        )
    )


SENSORS = (
    _profile(range(0, 6)),
    _profile(range(6, 12)),
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
