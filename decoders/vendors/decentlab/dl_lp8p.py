"""Decentlab DL-LP8P: CO2, temperature, humidity and barometric pressure sensor.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-LP8P Datasheet", section "Sensor data message format":
sensor 0 Sensirion SHT21 (air temperature 175.72 * x / 65536 - 46.85 °C, air humidity
125 * x / 65536 - 6 %), sensor 1 barometer (temperature (x - 5000) / 100 °C, pressure x * 2 Pa),
sensor 2 Senseair LP8 (CO2 and its low-pass filtered value x - 32768 ppm, sensor temperature
(x - 32768) / 100 °C, capacitor voltages x / 1000 V, status x, raw IR readings x),
sensor 3 battery x / 1000 V.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SHT21 = protocol.Sensor(
    (
        P(
            "air_temperature",
            "°C",
            multiplier=175.72,
            divisor=65536,
            bias=-46.85,
            quantity="air_temperature",
        ),
        P(
            "air_humidity",
            "%",
            multiplier=125,
            divisor=65536,
            bias=-6,
            quantity="relative_humidity",
        ),
    )
)
BAROMETER = protocol.Sensor(
    (
        P("barometer_temperature", "°C", offset=5000, divisor=100),
        P(
            "barometric_pressure",
            "Pa",
            multiplier=2,
            quantity="air_pressure",
            canonical_factor=0.01,
        ),
    )
)
SENSORS = (
    SHT21,
    BAROMETER,
    protocol.Sensor(
        (
            P("co2_concentration", "ppm", offset=32768, quantity="co2"),
            P("co2_concentration_lpf", "ppm", offset=32768),
            P("co2_sensor_temperature", "°C", offset=32768, divisor=100),
            P("capacitor_voltage_1", "V", divisor=1000),
            P("capacitor_voltage_2", "V", divisor=1000),
            P("co2_sensor_status", None),
            P("raw_ir_reading", None),
            P("raw_ir_reading_lpf", None),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-LP8P uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-lp8p",
    vendor="Decentlab",
    model="DL-LP8P",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-LP8P Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
