"""Decentlab DL-LWS: leaf wetness sensor.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-LWS Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/leaf-wetness-sensor-for-lorawan): sensor 0 is the leaf
wetness sensor, two words forming a 32-bit ratio sent low word first; leaf wetness index =
(x0 + x1 * 65536) / 8388608 - 1 (dimensionless, 0 when dry); sensor 1 is the battery,
x / 1000 V.

The index is not a percentage of wet leaf area, so it stays a field and becomes no
`leaf_wetness` reading; the battery voltage is the only reading.
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
                "leaf_wetness_index",
                None,
                words=(0, 1),
                formula=lambda x: protocol.low_word_first(x) / 8388608 - 1,
            ),
        ),
        length=2,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-LWS uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-lws",
    vendor="Decentlab",
    model="DL-LWS",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-LWS Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
