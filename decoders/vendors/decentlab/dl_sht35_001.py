"""Decentlab DL-SHT35: air temperature and humidity sensor (Sensirion SHT35).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-SHT35 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/air-temperature-and-humidity-sensor-with-radiation-shield-
for-lorawan): sensor 0 is the SHT35: air temperature 175 * x / 65535 - 45 °C, air humidity
100 * x / 65535 %; sensor 1 is the battery, x / 1000 V. The TTN device repository lists the
model as `dl-sht35-001` (the shared akenza vectors have no TTN id for it).
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
                "air_temperature",
                "°C",
                multiplier=175,
                divisor=65535,
                bias=-45,
                quantity="air_temperature",
            ),
            P("air_humidity", "%", multiplier=100, divisor=65535, quantity="relative_humidity"),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-SHT35 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-sht35-001",
    vendor="Decentlab",
    model="DL-SHT35",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-SHT35 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
