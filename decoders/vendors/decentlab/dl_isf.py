"""Decentlab DL-ISF: sap flow sensor (Implexx Sap Flow Sensor, dual heat pulse).

Uplinks: the Decentlab protocol (`protocol.py`) on any fPort (the device uses fPort 1).
Source: Decentlab "DL-ISF Datasheet", section "Sensor data message format"
(https://www.decentlab.com/products/sap-flow-sensor-for-lorawan): sensor 0 is the Implexx
probe, sixteen words: sap flow (x * 16 - 50000) / 1000 l/h, heat velocity (outer) and
(inner) (x * 16 - 50000) / 1000 cm/h, alpha (outer) and (inner) and beta (outer) and (inner)
(x * 32 - 1000000) / 100000, tmax (outer) and (inner) x * 2 / 1000 s, temperature (outer)
(x - 32768) / 100 °C, max voltage and min voltage (x - 32768) / 1000 V, diagnostic
(x0 + x1 * 65536, two words, low word first), upstream tmax (outer) and (inner) x * 2 / 1000
s; sensor 1 is the battery, x / 1000 V.

Readings: the two heat-pulse velocities are `sap_flow` in cm/h (outer channel 0, inner
channel 1). The volumetric sap flow in l/h depends on the sapwood area the device was
configured with and stays a field.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoders.model import Decoded, DecoderSpec, Reading
from decoders.vendors.decentlab import protocol

P = protocol.Parameter

SENSORS = (
    protocol.Sensor(
        (
            P("sap_flow", "l/h", multiplier=16, divisor=1000, bias=-50),
            P(
                "heat_velocity_outer",
                "cm/h",
                multiplier=16,
                divisor=1000,
                bias=-50,
                quantity="sap_flow",
            ),
            P(
                "heat_velocity_inner",
                "cm/h",
                multiplier=16,
                divisor=1000,
                bias=-50,
                quantity="sap_flow",
                channel=1,
            ),
            P("alpha_outer", None, multiplier=32, divisor=100000, bias=-10),
            P("alpha_inner", None, multiplier=32, divisor=100000, bias=-10),
            P("beta_outer", None, multiplier=32, divisor=100000, bias=-10),
            P("beta_inner", None, multiplier=32, divisor=100000, bias=-10),
            P("tmax_outer", "s", multiplier=2, divisor=1000),
            P("tmax_inner", "s", multiplier=2, divisor=1000),
            P("temperature_outer", "°C", offset=32768, divisor=100),
            P("max_voltage", "V", offset=32768, divisor=1000),
            P("min_voltage", "V", offset=32768, divisor=1000),
            P("diagnostic", None, words=(12, 13), formula=protocol.low_word_first),
            P("upstream_tmax_outer", "s", multiplier=2, divisor=1000, words=(14,)),
            P("upstream_tmax_inner", "s", multiplier=2, divisor=1000, words=(15,)),
        ),
        length=16,
    ),
    protocol.BATTERY,
)


def decode(payload: bytes, f_port: int) -> Decoded:  # noqa: ARG001 - self-describing format
    """Decode one DL-ISF uplink."""
    return protocol.decode(SENSORS, payload)


def encode(readings: Sequence[Reading]) -> tuple[int, bytes]:
    """Build the uplink that decodes to `readings` (for the simulator)."""
    return 1, protocol.encode(SENSORS, readings)


SPEC = DecoderSpec(
    type_id="decentlab/dl-isf",
    vendor="Decentlab",
    model="DL-ISF",
    category="forestry",
    f_ports=frozenset(),
    quantities=protocol.quantities(SENSORS),
    source="Decentlab DL-ISF Datasheet, 'Sensor data message format' (decentlab.com)",
    decode=decode,
    encode=encode,
)
