"""Decentlab DL-TBRG: tipping bucket rain gauge.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-TBRG Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/tipping-bucket-rain-gauge-for-lorawan): sensor 0 is the
rain gauge, four words: precipitation x / 10 mm (in the last interval), precipitation
interval x s, cumulative precipitation (x0 + x1 * 65536) / 10 mm (a 32-bit counter sent low
word first); sensor 1 is the battery, x / 1000 V.

Readings: the interval's precipitation is `rainfall`; the cumulative counter stays a field
(it is a device total, not an amount per reporting interval).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (
            P("precipitation", "mm", divisor=10, quantity="rainfall"),
            P("precipitation_interval", "s"),
            P(
                "cumulative_precipitation",
                "mm",
                words=(2, 3),
                formula=lambda x: protocol.low_word_first(x) / 10,
            ),
        ),
        length=4,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-TBRG uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-tbrg",
    vendor="Decentlab",
    model="DL-TBRG",
    category="agriculture",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-TBRG Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
