"""Elsys ERS Lite: temperature and humidity sensor.

The Elsys type-length-value payload of `protocol.py` (Elsys payload document), on any fPort
(Elsys sends on fPort 5 by default). Readings: the quantities below; every other record the
device sends still decodes to its Elsys-named field.

Battery: Elsys's ERS operating manuals specify 3.6 V AA lithium cells (ER14505, Li-SOCl2;
e.g. ERS Display series manual, "Installation") and no cut-off, so the pack's 0 % is the
cell's discharge cut-off, 2.0 V, as Li-SOCl2 bobbin-cell datasheets state it.
"""

from __future__ import annotations

from dataclasses import replace

from decoders.model import BatteryPack
from decoders.vendors.elsys import protocol

BATTERY = BatteryPack(
    description="3.6 V AA Li-SOCl2 (ER14505)",
    cutoff_v=2.0,
    full_v=3.6,
    source="Elsys ERS operating manual (ER14505 cell); Li-SOCl2 cell datasheet (cut-off)",
)

QUANTITIES = frozenset(
    {
        "air_temperature",
        "relative_humidity",
        "battery_voltage",
    }
)

SPEC = replace(
    protocol.model_spec("elsys/ers-lite", "ERS Lite", "smart_city", QUANTITIES), battery=BATTERY
)
