"""Decentlab DL-PR26: pressure / liquid level and temperature sensor (Keller Series 26 probe).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Sensor 0 is the probe: pressure (x - 16384) / 32768 * (p_max - p_min) + p_min [bar] and
temperature (x - 384) * 0.003125 - 50 [°C]; sensor 1 is the battery, x / 1000 [V].
Source: Decentlab "DL-PR26 Datasheet", section "Sensor data message format". The span used is
the standard probe's p_min = 0 bar, p_max = 1 bar, the one both shared reference vectors
decode with; a probe with another span needs its own constants.

Readings: the probe sits in the water, so pressure is `water_pressure` and the probe
temperature `water_temperature`. No `water_level` is derived: that needs the water density and
the probe's depth below the gauge datum, which are installation facts, not payload facts.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P_MIN_BAR = 0.0
P_MAX_BAR = 1.0

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
    """Decode one DL-PR26 uplink."""
    return protocol.decode(SENSORS, payload)


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
