"""Decentlab DL-LID: laser distance sensor (snow depth, water level, tree-line monitoring).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: the Decentlab DL-LID uplink examples in the TTN device repository
(vendor/decentlab/dl-lid-codec.yaml: parameter names, units and decoded values); the datasheet
was not readable here. Sensor 0 is the laser rangefinder, eleven words, in this order:
distance average, minimum, maximum, median, 10th, 25th, 75th and 90th percentile and most
frequent value (x mm each), number of samples (x) and total acquisition time (x / 1.024 ms,
which reproduces the example's 409 -> 399.4140625 ms). Sensor 1 is the battery, x / 1000 V.

Readings: the average distance is `distance` in mm; the other statistics stay fields.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

_STATISTICS = (
    "distance_minimum",
    "distance_maximum",
    "distance_median",
    "distance_10th_percentile",
    "distance_25th_percentile",
    "distance_75th_percentile",
    "distance_90th_percentile",
    "distance_most_frequent_value",
)

SENSORS = (
    protocol.Sensor(
        (
            P("distance_average", "mm", quantity="distance"),
            *(P(name, "mm") for name in _STATISTICS),
            P("number_of_samples", None),
            P("total_acquisition_time", "ms", divisor=1.024),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-LID uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-lid",
    vendor="Decentlab",
    model="DL-LID",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source=(
        "Decentlab DL-LID uplink examples, TTN device repository "
        "vendor/decentlab/dl-lid-codec.yaml; Decentlab header/flags protocol"
    ),
    decode=decode,
    encode=encode,
)
