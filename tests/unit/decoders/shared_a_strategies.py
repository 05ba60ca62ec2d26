"""Hypothesis strategies for the decoders built for devices of the shared reference vectors.

Each strategy yields (readings, tolerance by (quantity, channel)), as `test_properties`
expects; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from city_strategies import Sample, fixed
from hypothesis import strategies as st

SHARED_A_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "inbiot/well-lora": fixed(
        {
            "air_temperature": (0.0, 145.0, 0.1),
            "relative_humidity": (0.0, 100.0, 0.1),
            "co2": (0.0, 10000.0, 1.0),
            "pm1": (0.0, 10000.0, 1.0),
            "pm2_5": (0.0, 10000.0, 1.0),
            "pm10": (0.0, 10000.0, 1.0),
        }
    ),
    "sentinum/febris-co2": fixed(
        {
            "battery_voltage": (0.0, 65.535, 0.001),
            "air_temperature": (-40.0, 85.0, 0.1),
            "relative_humidity": (0.0, 100.0, 1.0),
            "air_pressure": (300.0, 1100.0, 1.0),
            "co2": (0.0, 40000.0, 1.0),
            "dew_point": (-60.0, 60.0, 0.1),
        }
    ),
}
