"""Decentlab DL-ZN2: two-channel point dendrometer.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-ZN2 Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/dendrometer-for-lorawan): sensor 0 carries two 32-bit
potentiometer ratios, each sent low word first (words 0-1: A, words 2-3: B);
dendrometer A position = (A / 8388608 - 1) * 20000 µm and dendrometer B position =
(A / 8388608 - B / 8388608) * 20000 µm; sensor 1 is the battery, x / 1000 V.

Readings: both positions are `stem_diameter_change` in µm, A on channel 0, B on channel 1.
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
                "dendrometer_a_position",
                "µm",
                words=(0, 1),
                formula=lambda x: (protocol.low_word_first(x) / RATIO - 1) * SPAN_UM,
                inverse=lambda value, _: _ratio_words(value / SPAN_UM + 1, 0),
                span=(-SPAN_UM / 2, SPAN_UM / 2),
                step=SPAN_UM / RATIO,
                quantity="stem_diameter_change",
            ),
            P(
                "dendrometer_b_position",
                "µm",
                words=(0, 1, 2, 3),
                formula=lambda x: (
                    ((protocol.low_word_first(x[:2]) - protocol.low_word_first(x[2:])) / RATIO)
                    * SPAN_UM
                ),
                inverse=lambda value, words: _ratio_words(
                    protocol.low_word_first(words[:2]) / RATIO - value / SPAN_UM, 2
                ),
                span=(-SPAN_UM / 2, SPAN_UM / 2),
                step=SPAN_UM / RATIO,
                quantity="stem_diameter_change",
                channel=1,
            ),
        ),
        length=4,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-ZN2 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-zn2",
    vendor="Decentlab",
    model="DL-ZN2",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-ZN2 Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
