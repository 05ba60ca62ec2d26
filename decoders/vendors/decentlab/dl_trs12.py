"""Decentlab DL-TRS12: soil moisture, temperature and electrical conductivity sensor (METER
TEROS 12).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-TRS12 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/soil-moisture-temperature-and-electrical-conductivity-
sensor-for-lorawan): sensor 0 is the TEROS 12, three words: the raw VWC value r = x / 10,
soil temperature (x - 32768) / 10 °C and electrical conductivity x µS/cm; sensor 1 is the
battery, x / 1000 V. From r the datasheet gives the volumetric water content for mineral soil
r * 0.0003879 - 0.6956 m³/m³ and the dielectric permittivity (Topp et al. 1980)
(2.887e-9 r³ - 2.08e-5 r² + 5.276e-2 r - 43.39)²; both are fields.

Readings: the volumetric water content becomes `soil_moisture` in % (m³/m³ x 100).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter


def _permittivity(x: Sequence[int]) -> float:
    raw = x[0] / 10
    return float((2.887e-9 * raw**3 - 2.08e-5 * raw**2 + 5.276e-2 * raw - 43.39) ** 2)


TEROS_WATER_AND_TEMPERATURE = (
    P("dielectric_permittivity", None, words=(0,), formula=_permittivity),
    P(
        "volumetric_water_content",
        "m³/m³",
        multiplier=0.0003879,
        divisor=10,
        bias=-0.6956,
        quantity="soil_moisture",
        canonical_factor=100,
        words=(0,),
    ),
    P(
        "soil_temperature",
        "°C",
        offset=32768,
        divisor=10,
        quantity="soil_temperature",
        words=(1,),
    ),
)
"""Words 0 and 1 of the TEROS-based probes (DL-TRS11 and DL-TRS12 share them)."""

SENSORS = (
    protocol.Sensor(
        (
            *TEROS_WATER_AND_TEMPERATURE,
            P("electrical_conductivity", "µS/cm", quantity="soil_conductivity", words=(2,)),
        ),
        length=3,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-TRS12 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-trs12",
    vendor="Decentlab",
    model="DL-TRS12",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-TRS12 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
