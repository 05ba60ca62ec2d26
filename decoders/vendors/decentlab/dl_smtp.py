"""Decentlab DL-SMTP: soil moisture and temperature profile (Sentek Drill & Drop probe).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-SMTP Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/soil-moisture-and-temperature-profile-for-lorawan):
sensor 0 is the probe, sixteen words, for depths 0 to 7 in turn: soil moisture at depth n
(x - 2500) / 500 and soil temperature at depth n (x - 32768) / 100 °C; sensor 1 is the
battery, x / 1000 V.

A probe has fewer than eight sensing depths when it is short; the unused depths send the
word 0, which the datasheet conversions turn into -5 and -327.68 °C. The fields keep those
values as the datasheet defines them, but no reading is made from them (channel = depth).
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
                "soil_moisture_at_depth_0",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=0,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_0",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=0,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_1",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=1,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_1",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=1,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_2",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=2,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_2",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=2,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_3",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=3,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_3",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=3,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_4",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=4,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_4",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=4,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_5",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=5,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_5",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=5,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_6",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=6,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_6",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=6,
                missing=0,
            ),
            P(
                "soil_moisture_at_depth_7",
                None,
                offset=2500,
                divisor=500,
                quantity="soil_moisture",
                channel=7,
                missing=0,
            ),
            P(
                "soil_temperature_at_depth_7",
                "°C",
                offset=32768,
                divisor=100,
                quantity="soil_temperature",
                channel=7,
                missing=0,
            ),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-SMTP uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-smtp",
    vendor="Decentlab",
    model="DL-SMTP",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-SMTP Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
