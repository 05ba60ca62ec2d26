"""Decentlab DL-RAD: radar distance / level sensor.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-RAD Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/radar-level-sensor-for-lorawan): sensor 0 is the radar,
four words: distance x mm, temperature (x - 32768) / 100 °C, reliability (x - 32768) / 100
dB, status x; sensor 1 is the battery, x / 1000 V. Distance is what the device measures; a
water level needs the mounting height, an installation fact, so it is not derived.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (
            P("distance", "mm", quantity="distance"),
            P("temperature", "°C", offset=32768, divisor=100),
            P("reliability", "dB", offset=32768, divisor=100),
            P("status", None),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-RAD uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-rad",
    vendor="Decentlab",
    model="DL-RAD",
    category="smart_city",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-RAD Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
