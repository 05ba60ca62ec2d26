"""Decentlab DL-PYR: pyranometer (total solar radiation).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-PYR Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/pyranometer-for-lorawan): sensor 0 is the pyranometer,
total solar radiation (x - 32768) / 32768 * 15000 W/m²; sensor 1 is the battery,
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
            P(
                "total_solar_radiation",
                "W/m²",
                offset=32768,
                multiplier=15000,
                divisor=32768,
                quantity="solar_radiation",
            ),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-PYR uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-pyr",
    vendor="Decentlab",
    model="DL-PYR",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-PYR Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
