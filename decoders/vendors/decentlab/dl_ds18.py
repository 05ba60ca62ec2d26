"""Decentlab DL-DS18: temperature sensor with a DS18B20 probe.

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: the Decentlab DL-DS18 uplink examples in the TTN device repository
(vendor/decentlab/dl-ds18-codec.yaml: parameter names, units and decoded values); the
datasheet the repository links (cdn.decentlab.com, Decentlab-DL-DS18-datasheet.pdf) was not
readable here. Sensor 0 is the probe, one word, temperature = (x - 32768) / 16 °C: Decentlab's
offset-binary word around 32768 with the DS18B20's 1/16 °C step; it reproduces the example
(0x815E -> 21.875 °C). Sensor 1 is the battery, x / 1000 V.

Readings: the probe temperature is `air_temperature` (the device is sold for outdoor and
forest microclimate monitoring; a probe buried in soil or water is a deployment choice the
payload does not tell).
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (P("temperature", "°C", offset=32768, divisor=16, quantity="air_temperature"),)
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-DS18 uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-ds18",
    vendor="Decentlab",
    model="DL-DS18",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source=(
        "Decentlab DL-DS18 uplink examples, TTN device repository "
        "vendor/decentlab/dl-ds18-codec.yaml; Decentlab header/flags protocol"
    ),
    decode=decode,
    encode=encode,
)
