"""SenseCAP S2105 soil moisture, temperature and EC sensor.

The S210x frame of `protocol.py`, on any fPort.

Measurement IDs: 4102, 4103, 4108 (SenseCAP List of Measurement IDs); the layout, CRC and device
information packets are the S210x User Guide's, in `protocol.py`.
"""

from __future__ import annotations

from decoders.vendors.sensecap import protocol

MEASUREMENT_IDS = frozenset({4102, 4103, 4108})

SPEC = protocol.model_spec(
    "sensecap/sensecaps2105-soll-moisture-temp-ec", "S2105", "agriculture", MEASUREMENT_IDS
)
