"""Hypothesis strategies for the decoders built for the shared set's unresolved devices (B).

Each strategy yields (readings, tolerance by (quantity, channel)), as `test_properties`
expects; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from city_strategies import Sample, fixed
from hypothesis import strategies as st

from decoders import Reading

EPS = 1e-9


@st.composite
def _tg563a(draw: st.DrawFn) -> Sample:
    readings = [
        Reading("smoke_alarm", float(draw(st.sampled_from([0, 1])))),
        Reading("air_temperature", draw(st.floats(-128.0, 127.0))),  # signed byte, 1 degC
        Reading("battery_voltage", draw(st.floats(1.0, 3.55))),  # 1 V + 0.01 V steps
    ]
    tolerance = {
        ("smoke_alarm", 0): EPS,
        ("air_temperature", 0): 0.5 + EPS,
        ("battery_voltage", 0): 0.005 + EPS,
    }
    return readings, tolerance


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
    "sept-s/tg563a": _tg563a(),
}
