"""Decentlab DL-PR26: pressure / liquid level and temperature sensor (Keller Series 26 probe).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Sensor 0 is the probe: pressure (x - 16384) / 32768 * (p_max - p_min) + p_min [bar] and
temperature (x - 384) * 0.003125 - 50 [°C]; sensor 1 is the battery, x / 1000 [V].
Source: Decentlab "DL-PR26 Datasheet", section "Sensor data message format". The span used is
the standard probe's p_min = 0 bar, p_max = 1 bar, the one both shared reference vectors
decode with; a probe with another span needs its own constants.

Readings: the probe sits in the water, so pressure is `water_pressure` and the probe
temperature `water_temperature`.

Water column: Decentlab sells the DL-PR26 as a pressure and level transmitter, so the fields
`water_column` (m) and `water_column_cm` give the hydrostatic head of fresh water above the
probe, h = p / (rho g) with rho = 1000 kg/m3 and standard gravity g = 9.80665 m/s2 (CGPM
1901): 1 bar = 10.19716 m H2O, the conventional water column (NIST SP 811, Appendix B.8:
"centimeter of water, conventional (cmH2O)" = 98.0665 Pa). It assumes a vented (gauge) probe
in fresh water. It is not a `water_level` reading: that quantity is the level above the gauge
datum, which needs the probe's mounting depth, an installation fact the payload lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P_MIN_BAR = 0.0
P_MAX_BAR = 1.0
METRES_H2O_PER_BAR = 1e5 / (1000 * 9.80665)  # 10.19716...: p / (rho g), fresh water, g_n

SENSORS = (
    protocol.Sensor(
        (
            protocol.Parameter(
                "pressure",
                "bar",
                offset=16384,
                multiplier=P_MAX_BAR - P_MIN_BAR,
                divisor=32768,
                bias=P_MIN_BAR,
                quantity="water_pressure",
            ),
            protocol.Parameter(
                "temperature",
                "°C",
                offset=384,
                multiplier=0.003125,
                bias=-50,
                quantity="water_temperature",
            ),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-PR26 uplink, with the water column when the probe was read."""
    decoded = protocol.decode(SENSORS, payload)
    pressure = decoded.fields.get("pressure")
    if pressure is None:
        return decoded
    metres = pressure * METRES_H2O_PER_BAR
    fields = {**decoded.fields, "water_column": metres, "water_column_cm": metres * 100}
    return replace(decoded, fields=fields)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-pr26",
    vendor="Decentlab",
    model="DL-PR26",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-PR26 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
