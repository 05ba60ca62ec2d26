"""Hypothesis strategy for the Sensative Strips decoder: any subset of its encodable reports.

Yields (readings, tolerance by (quantity, channel)), as `test_properties` expects; the
tolerance is half the report's resolution in the canonical unit.
"""

from __future__ import annotations

from city_strategies import Range, Sample
from hypothesis import strategies as st

from decoders import Reading

EPS = 1e-9

_REPORTS: dict[tuple[str, int], Range] = {
    ("battery_level", 0): (0.0, 100.0, 1.0),  # uint8 %
    ("air_temperature", 0): (-40.0, 85.0, 0.1),  # int16, 0.1 degC
    ("air_temperature", 1): (-40.0, 85.0, 0.1),  # the running average, same coding
    ("relative_humidity", 0): (0.0, 100.0, 0.5),  # uint8, 0.5 %
    ("illuminance", 0): (0.0, 65535.0, 1.0),  # uint16 lux
    ("illuminance", 1): (0.0, 65535.0, 1.0),  # the second lux report
    ("presence", 0): (0.0, 1.0, 1.0),  # a boolean byte: 0 or 1
}


@st.composite
def _strips(draw: st.DrawFn) -> Sample:
    keys = draw(st.lists(st.sampled_from(sorted(_REPORTS)), min_size=1, unique=True))
    readings, tolerance = [], {}
    for quantity, channel in keys:
        low, high, resolution = _REPORTS[(quantity, channel)]
        readings.append(Reading(quantity, draw(st.floats(low, high)), channel))
        tolerance[(quantity, channel)] = resolution / 2 + EPS
    return readings, tolerance


SENSATIVE_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {"sensative/strips": _strips()}
