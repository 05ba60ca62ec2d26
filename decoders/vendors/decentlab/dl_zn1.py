"""Decentlab DL-ZN1: point dendrometer (stem diameter variation).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-ZN1 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/dendrometer-for-lorawan): sensor 0 is the dendrometer, a
32-bit potentiometer ratio sent low word first; dendrometer position =
((x0 + x1 * 65536) / 8388608 - 1) * 20000 µm; sensor 1 is the battery, x / 1000 V.

Readings: the position is `stem_diameter_change` in µm (relative to the probe's zero).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

RATIO = 8388608  # 2**23: the ratio's unit
SPAN_UM = 20000


def _ratio_words(ratio: float, first: int) -> dict[int, int]:
    low, high = protocol.split_low_word_first(round(ratio * RATIO))
    return {first: low, first + 1: high}


SENSORS = (
    protocol.Sensor(
        (
            P(
                "dendrometer_position",
                "µm",
                words=(0, 1),
                formula=lambda x: (protocol.low_word_first(x) / RATIO - 1) * SPAN_UM,
                inverse=lambda value, _: _ratio_words(value / SPAN_UM + 1, 0),
                span=(-SPAN_UM / 2, SPAN_UM / 2),
                step=SPAN_UM / RATIO,
                quantity="stem_diameter_change",
            ),
        ),
        length=2,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-ZN1 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-zn1",
    vendor="Decentlab",
    model="DL-ZN1",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-ZN1 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
