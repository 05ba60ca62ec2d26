"""Decentlab DL-ATM22: ultrasonic wind speed and direction sensor (METER ATMOS 22).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-ATM22 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/wind-speed-wind-direction-and-temperature-sensor-for-lorawan):
sensor 0 is the ATMOS 22, eight words, each (x - 32768) / d: wind speed (d = 100, m/s), wind
direction (10, °), maximum wind speed (100, m/s), air temperature (10, °C), X and Y
orientation angles (10, °), north and east wind speed (100, m/s); sensor 1 is the battery,
x / 1000 V.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (
            P("wind_speed", "m/s", offset=32768, divisor=100, quantity="wind_speed"),
            P("wind_direction", "°", offset=32768, divisor=10, quantity="wind_direction"),
            P("maximum_wind_speed", "m/s", offset=32768, divisor=100, quantity="wind_gust"),
            P("air_temperature", "°C", offset=32768, divisor=10, quantity="air_temperature"),
            P("x_orientation_angle", "°", offset=32768, divisor=10),
            P("y_orientation_angle", "°", offset=32768, divisor=10),
            P("north_wind_speed", "m/s", offset=32768, divisor=100),
            P("east_wind_speed", "m/s", offset=32768, divisor=100),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-ATM22 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-atm22",
    vendor="Decentlab",
    model="DL-ATM22",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-ATM22 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
