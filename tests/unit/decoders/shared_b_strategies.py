"""Hypothesis strategies for the decoders built for the shared set's unresolved devices (B).

Each strategy yields (readings, tolerance by (quantity, channel)), as `test_properties`
expects; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from city_strategies import Sample, fixed
from hypothesis import strategies as st

SHARED_B_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    # CMi4110 Standard in the T550's BCD coding: kWh, 0.01 m3, 100 W, 0.001 m3/h, 0.1 degC.
    "elvaco/cmi4110": fixed(
        {
            "heat_energy": (0.0, 99_999_999.0, 1.0),
            "water_volume": (0.0, 999_999.99, 0.01),
            "heat_power": (0.0, 99_999_900.0, 100.0),
            "water_flow_rate": (0.0, 999.999, 0.001),
            "flow_temperature": (0.0, 999.9, 0.1),
            "return_temperature": (0.0, 999.9, 0.1),
        }
    ),
}
