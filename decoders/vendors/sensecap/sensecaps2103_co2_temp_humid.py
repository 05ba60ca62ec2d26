"""SenseCAP S2103 CO2, temperature and humidity sensor.

The S210x frame of `protocol.py`, on any fPort.

Measurement IDs: 4097, 4098, 4100 (SenseCAP List of Measurement IDs); the layout, CRC and device
information packets are the S210x User Guide's, in `protocol.py`.
"""

from __future__ import annotations

from decoders.vendors.sensecap import protocol

MEASUREMENT_IDS = frozenset({4097, 4098, 4100})

SPEC = protocol.model_spec(
    "sensecap/sensecaps2103-co2-temp-humid", "S2103", "agriculture", MEASUREMENT_IDS
)
