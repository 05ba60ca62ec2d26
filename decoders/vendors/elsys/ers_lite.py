"""Elsys ERS Lite: temperature and humidity sensor.

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
        "battery_voltage",
    }
)

SPEC = protocol.model_spec("elsys/ers-lite", "ERS Lite", "smart_city", QUANTITIES)
