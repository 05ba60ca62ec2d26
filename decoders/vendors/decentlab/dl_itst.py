"""Decentlab DL-ITST: infrared thermometer (target surface temperature, e.g. canopy or bark).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: the Decentlab DL-ITST uplink examples in the TTN device repository
(vendor/decentlab/dl-itst-codec.yaml: parameter names, units and decoded values); the datasheet
was not readable here. Sensor 0 is the infrared thermometer, two words: temperature target and
temperature head, each (x - 1000) / 10 °C (the one conversion that maps both example words,
1273 -> 27.3 and 1220 -> 22.0). Sensor 1 is the battery, x / 1000 V.

Readings: the target temperature is `surface_temperature`; the head (sensor body) temperature
is a diagnostic field.
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
                "temperature_target",
                "°C",
                offset=1000,
                divisor=10,
                quantity="surface_temperature",
            ),
            P("temperature_head", "°C", offset=1000, divisor=10),
        )
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-ITST uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-itst",
    vendor="Decentlab",
    model="DL-ITST",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source=(
        "Decentlab DL-ITST uplink examples, TTN device repository "
        "vendor/decentlab/dl-itst-codec.yaml; Decentlab header/flags protocol"
    ),
    decode=decode,
    encode=encode,
)
