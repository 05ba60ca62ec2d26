"""Decentlab DL-TRS11: soil moisture and temperature sensor (METER TEROS 11), for forest and
field soil profiles.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: the Decentlab DL-TRS11 uplink example in the TTN device repository
(vendor/decentlab/dl-trs11-codec.yaml: parameter names, units and decoded values), and the
conversions Decentlab's DL-TRS12 datasheet table gives for the same METER raw value (as
reproduced at docs.tesenso.com/tesenso-device-library/decentlab/dl-trs12). Sensor 0 is the
TEROS 11, two words: the raw VWC value r = x / 10 and soil temperature (x - 32768) / 10 °C;
from r the volumetric water content for mineral soil r * 0.0003879 - 0.6956 m³/m³ and the
dielectric permittivity (Topp et al. 1980) (2.887e-9 r³ - 2.08e-5 r² + 5.276e-2 r - 43.39)²
are fields. The TTN example reproduces to the last digit. Sensor 1 is the battery, x / 1000 V.

Readings: the volumetric water content becomes `soil_moisture` in % (m³/m³ x 100).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol
from decoders.vendors.decentlab.dl_trs12 import TEROS_WATER_AND_TEMPERATURE

SENSORS = (
    protocol.Sensor(
        TEROS_WATER_AND_TEMPERATURE,
        length=2,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-TRS11 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-trs11",
    vendor="Decentlab",
    model="DL-TRS11",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source=(
        "Decentlab DL-TRS11 uplink example, TTN device repository "
        "vendor/decentlab/dl-trs11-codec.yaml; TEROS conversions of the Decentlab DL-TRS12 "
        "datasheet table (docs.tesenso.com)"
    ),
    decode=decode,
    encode=encode,
)
