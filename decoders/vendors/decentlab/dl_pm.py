"""Decentlab DL-PM: particulate matter, temperature, humidity and barometric pressure sensor.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-PM Datasheet", section "Sensor data message format" (also reproduced in
the Tesenso device library): sensor 0 battery x / 1000 V; sensor 1 Sensirion SPS30 (PM1.0,
PM2.5, PM4, PM10 mass concentration x / 10 µg/m³, typical particle size x nm, PM0.5 ... PM10
number concentration x / 10 1/cm³); sensor 2 air temperature 175.72 * x / 65536 - 46.85 °C and
air humidity 125 * x / 65536 - 6 %; sensor 3 barometric pressure x * 2 Pa.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol
from decoders.vendors.decentlab.dl_lp8p import SHT21

P = protocol.Parameter

SENSORS = (
    protocol.BATTERY,
    protocol.Sensor(
        (
            P("pm1_0_mass_concentration", "µg/m³", divisor=10, quantity="pm1"),
            P("pm2_5_mass_concentration", "µg/m³", divisor=10, quantity="pm2_5"),
            P("pm4_mass_concentration", "µg/m³", divisor=10),
            P("pm10_mass_concentration", "µg/m³", divisor=10, quantity="pm10"),
            P("typical_particle_size", "nm"),
            P("pm0_5_number_concentration", "1/cm³", divisor=10),
            P("pm1_0_number_concentration", "1/cm³", divisor=10),
            P("pm2_5_number_concentration", "1/cm³", divisor=10),
            P("pm4_number_concentration", "1/cm³", divisor=10),
            P("pm10_number_concentration", "1/cm³", divisor=10),
        )
    ),
    SHT21,
    protocol.Sensor(
        (
            P(
                "barometric_pressure",
                "Pa",
                multiplier=2,
                quantity="air_pressure",
                canonical_factor=0.01,
            ),
        )
    ),
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-PM uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-pm",
    vendor="Decentlab",
    model="DL-PM",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-PM Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
