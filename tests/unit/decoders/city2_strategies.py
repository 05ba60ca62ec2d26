"""Hypothesis strategies for the second batch of smart-city decoders (meters, bins, doors...).

Each strategy yields (readings, tolerance by (quantity, channel)), as `test_properties`
expects; the tolerance is half the format's resolution in the canonical unit (float32 values
get their relative precision at the top of the range).
"""

from __future__ import annotations

from city_strategies import Sample, fixed
from hypothesis import strategies as st

from decoders import Reading

EPS = 1e-9


@st.composite
def _klax(draw: st.DrawFn) -> Sample:
    channels = draw(st.lists(st.integers(0, 3), unique=True, max_size=4))
    readings = [Reading("battery_level", float(draw(st.sampled_from(range(0, 101, 20)))))]
    tolerance = {("battery_level", 0): EPS}
    for channel in channels:
        readings.append(Reading("energy", draw(st.floats(0.0, 1e5)), channel))
        tolerance[("energy", channel)] = 1e5 * 2**-24 + EPS  # float32 Wh, in kWh
    return readings, tolerance


CITY2_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "netvox/r718ea": fixed(
        {
            "battery_voltage": (0.0, 12.7, 0.1),
            ("tilt_angle", 0): (-128.0, 127.0, 1.0),
            ("tilt_angle", 1): (-128.0, 127.0, 1.0),
            ("tilt_angle", 2): (-128.0, 127.0, 1.0),
            "surface_temperature": (-3276.8, 3276.7, 0.1),
        }
    ),
    "dingtek/df703": fixed(
        {
            "distance": (0.0, 65535.0, 1.0),
            "air_temperature": (-128.0, 127.0, 1.0),
            "tilt_angle": (-255.0, 255.0, 1.0),
            "latitude": (-90.0, 90.0, 90.0 * 2**-23),
            "longitude": (-180.0, 180.0, 180.0 * 2**-23),
        }
    ),
    "alpha-omega-technology/klax": _klax(),
    "laird/rs1xx-temp-rh-sensor": fixed(
        {"air_temperature": (-127.99, 127.99, 0.01), "relative_humidity": (0.0, 255.99, 0.01)}
    ),
    "enginko/egk-lw20w00": fixed(
        {
            "distance": (0.0, 60000.0, 1.0),
            "fill_level": (0.0, 100.0, 1.0),
            "air_temperature": (-40.0, 85.0, 0.01),
            "battery_level": (0.0, 100.0, 1.0),
        }
    ),
}

__all__ = ["CITY2_STRATEGIES", "fixed"]
