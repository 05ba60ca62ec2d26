"""Decentlab DL-ATM41: eleven-parameter weather station (METER ATMOS 41).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-ATM41 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/eleven-parameter-weather-station-for-lorawan): sensor 0
is the ATMOS 41, seventeen words, each (x - 32768) / d: solar radiation (d = 1, W/m²),
precipitation (1000, mm), lightning strike count (1), lightning average distance (1, km), wind
speed (100, m/s), wind direction (10, °), maximum wind speed (100, m/s), air temperature (10,
°C), vapor pressure (100, kPa), atmospheric pressure (100, kPa), relative humidity (10, %),
sensor temperature (internal) (10, °C), X and Y orientation angles (10, °), compass heading
(1, °), north and east wind speed (100, m/s); sensor 1 is the battery, x / 1000 V.

Readings: atmospheric pressure becomes `air_pressure` in hPa (kPa x 10); precipitation is
the amount of the measurement interval (`rainfall`).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (
            P("solar_radiation", "W/m²", offset=32768, quantity="solar_radiation"),
            P("precipitation", "mm", offset=32768, divisor=1000, quantity="rainfall"),
            P("lightning_strike_count", None, offset=32768),
            P("lightning_average_distance", "km", offset=32768),
            P("wind_speed", "m/s", offset=32768, divisor=100, quantity="wind_speed"),
            P("wind_direction", "°", offset=32768, divisor=10, quantity="wind_direction"),
            P("maximum_wind_speed", "m/s", offset=32768, divisor=100, quantity="wind_gust"),
            P("air_temperature", "°C", offset=32768, divisor=10, quantity="air_temperature"),
            P("vapor_pressure", "kPa", offset=32768, divisor=100),
            P(
                "atmospheric_pressure",
                "kPa",
                offset=32768,
                divisor=100,
                quantity="air_pressure",
                canonical_factor=10,
            ),
            P("relative_humidity", "%", offset=32768, divisor=10, quantity="relative_humidity"),
            P("sensor_temperature_internal", "°C", offset=32768, divisor=10),
            P("x_orientation_angle", "°", offset=32768, divisor=10),
            P("y_orientation_angle", "°", offset=32768, divisor=10),
            P("compass_heading", "°", offset=32768),
            P("north_wind_speed", "m/s", offset=32768, divisor=100),
            P("east_wind_speed", "m/s", offset=32768, divisor=100),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-ATM41 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-atm41",
    vendor="Decentlab",
    model="DL-ATM41",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-ATM41 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
