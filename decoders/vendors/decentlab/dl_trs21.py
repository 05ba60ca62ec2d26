"""Decentlab DL-TRS21: soil water potential and temperature sensor (METER TEROS 21).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-TRS21 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/soil-water-potential-and-temperature-sensor-for-lorawan):
sensor 0 is the TEROS 21: water potential -x / 10 kPa, soil temperature
(x - 32768) / 10 °C; sensor 1 is the battery, x / 1000 V.

Readings: the (negative) water potential becomes `soil_water_tension`, the suction as a
positive kPa value.
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
                "water_potential",
                "kPa",
                multiplier=-1,
                divisor=10,
                quantity="soil_water_tension",
                canonical_factor=-1,
            ),
            P("soil_temperature", "°C", offset=32768, divisor=10, quantity="soil_temperature"),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-TRS21 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-trs21",
    vendor="Decentlab",
    model="DL-TRS21",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-TRS21 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
