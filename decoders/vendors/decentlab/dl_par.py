"""Decentlab DL-PAR: photosynthetically active radiation sensor.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-PAR Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/photosynthetically-active-radiation-sensor-for-lorawan):
sensor 0 is the quantum sensor, photosynthetically active radiation
(x - 32768) / 32768 * 15000 µmol/(m²·s); sensor 1 is the battery, x / 1000 V.
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
                "photosynthetically_active_radiation",
                "µmol/(m²·s)",
                offset=32768,
                multiplier=15000,
                divisor=32768,
                quantity="par",
            ),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-PAR uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-par",
    vendor="Decentlab",
    model="DL-PAR",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-PAR Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
