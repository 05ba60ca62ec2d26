"""Elsys ELT-2 (and ELT-2 HP): outdoor sensor with external inputs.

External temperature probe, analog, pulse and digital inputs; built-in temperature, humidity
and (HP) pressure.

The Elsys type-length-value payload of `protocol.py` (Elsys payload document), on any fPort
(Elsys sends on fPort 5 by default). Readings: the quantities below; every other record the
device sends still decodes to its Elsys-named field.
"""

from __future__ import annotations

from decoders.vendors.elsys import protocol

QUANTITIES = frozenset(
    {
        "air_temperature",
        "relative_humidity",
        "air_pressure",
        "battery_voltage",
        "pulse_count",
    }
)

SPEC = protocol.model_spec("elsys/elt-2", "ELT-2", "smart_city", QUANTITIES)
