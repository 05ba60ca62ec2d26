"""SenseCAP S2102 light intensity sensor.

The S210x frame of `protocol.py`, on any fPort.

Measurement IDs: 4099 (SenseCAP List of Measurement IDs); the layout, CRC and device
information packets are the S210x User Guide's, in `protocol.py`.
"""

from __future__ import annotations

from decoders.vendors.sensecap import protocol

MEASUREMENT_IDS = frozenset({4099})

SPEC = protocol.model_spec("sensecap/sensecaps2102-light", "S2102", "forestry", MEASUREMENT_IDS)
