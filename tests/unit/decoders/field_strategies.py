"""Round-trip strategies for the field-sensor decoders (SenseCAP, Elsys, Milesight, Dragino, ...).

Each strategy yields (readings, tolerance by (quantity, channel)) like those in
`test_properties.py`; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from hypothesis import strategies as st

from decoders.model import Reading

Sample = tuple[list[Reading], dict[tuple[str, int], float]]
Range = tuple[float, float, float]  # low, high, resolution (canonical unit)
EPS = 1e-9


def _fixed(
    ranges: dict[tuple[str, int], Range], optional: dict[tuple[str, int], Range] | None = None
) -> st.SearchStrategy[Sample]:
    """Every `ranges` key once and each `optional` key or not, uniformly within its range."""

    @st.composite
    def build(draw: st.DrawFn) -> Sample:
        chosen = dict(ranges)
        chosen.update({k: r for k, r in (optional or {}).items() if draw(st.booleans())})
        readings, tolerance = [], {}
        for (quantity, channel), (low, high, resolution) in chosen.items():
            readings.append(Reading(quantity, draw(st.floats(low, high)), channel))
            tolerance[(quantity, channel)] = resolution / 2 + EPS
        return readings, tolerance

    return build()


_SENSECAP_MILLI = 0.001
_T = ("air_temperature", 0), (-40.0, 85.0, _SENSECAP_MILLI)
_H = ("relative_humidity", 0), (0.0, 100.0, _SENSECAP_MILLI)
_SOIL = {
    ("soil_temperature", 0): (-40.0, 80.0, _SENSECAP_MILLI),
    ("soil_moisture", 0): (0.0, 100.0, _SENSECAP_MILLI),
}

_ELSYS_T = (-3276.8, 3276.7, 0.1)
_ELSYS_TEMPERATURE = {("air_temperature", 0): _ELSYS_T}
_ELSYS_BASE = {
    ("relative_humidity", 0): (0.0, 255.0, 1.0),
    ("battery_voltage", 0): (0.0, 65.535, 0.001),
}
_ELSYS_ROOM = {("illuminance", 0): (0.0, 65535.0, 1.0), ("motion_count", 0): (0.0, 255.0, 1.0)}

_MS = {
    ("battery_level", 0): (0.0, 100.0, 1.0),
    ("air_temperature", 0): (-40.0, 85.0, 0.1),
    ("relative_humidity", 0): (0.0, 100.0, 0.5),
    ("air_pressure", 0): (300.0, 1100.0, 0.1),
}
_VS133_LINE = {("people_count", c): (0.0, 65535.0, 1.0) for c in range(8)}

_DRAGINO_BAT = {("battery_voltage", 0): (0.0, 16.383, 0.001)}

FIELD_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "dragino/lsph01": _fixed(
        {
            **_DRAGINO_BAT,
            ("soil_ph", 0): (0.0, 14.0, 0.01),
            ("soil_temperature", 0): (-40.0, 80.0, 0.1),
        }
    ),
    "dragino/llms01": _fixed(
        {
            **_DRAGINO_BAT,
            ("leaf_wetness", 0): (0.0, 100.0, 0.1),
            ("leaf_temperature", 0): (-40.0, 80.0, 0.1),
        }
    ),
    "dragino/lsnpk01": _fixed(
        {
            **_DRAGINO_BAT,
            **{(q, 0): (0.0, 65535.0, 1.0) for q in ("soil_nitrogen", "soil_phosphorus")},
            ("soil_potassium", 0): (0.0, 65535.0, 1.0),
        }
    ),
    "dragino/lgt92": _fixed(
        {
            **_DRAGINO_BAT,
            ("latitude", 0): (0.001, 90.0, 1e-6),
            ("longitude", 0): (-180.0, 180.0, 1e-6),
        }
    ),
    "milesight-iot/vs133": _fixed(_VS133_LINE),
    "milesight-iot/am308": _fixed(
        {("co2", 0): (0.0, 65535.0, 1.0)},
        {**_MS, ("pm2_5", 0): (0.0, 1000.0, 1.0), ("pm10", 0): (0.0, 1000.0, 1.0)},
    ),
    "milesight-iot/wts506": _fixed(
        {("wind_speed", 0): (0.0, 60.0, 0.1)},
        {**_MS, ("wind_direction", 0): (0.0, 360.0, 0.1)},
    ),
    "elsys/ers-lite": _fixed(_ELSYS_TEMPERATURE, _ELSYS_BASE),
    "elsys/ers": _fixed(_ELSYS_TEMPERATURE, {**_ELSYS_BASE, **_ELSYS_ROOM}),
    "elsys/ers-co2": _fixed(
        {("co2", 0): (0.0, 65535.0, 1.0)}, {**_ELSYS_TEMPERATURE, **_ELSYS_BASE, **_ELSYS_ROOM}
    ),
    "elsys/elt-2": _fixed(
        _ELSYS_TEMPERATURE,
        {
            **_ELSYS_BASE,
            ("air_temperature", 1): _ELSYS_T,
            ("air_temperature", 2): _ELSYS_T,
            ("air_pressure", 0): (0.0, 4294967.295, 0.001),
            ("pulse_count", 0): (0.0, 4294967295.0, 1.0),
            ("pulse_count", 1): (0.0, 4294967295.0, 1.0),
        },
    ),
    "sensecap/sensecaps2101-temp-humid": _fixed(dict([_T, _H])),
    "sensecap/sensecaps2102-light": _fixed({("illuminance", 0): (0.0, 200_000.0, 0.001)}),
    "sensecap/sensecaps2103-co2-temp-humid": _fixed(
        {("co2", 0): (0.0, 40_000.0, 0.001)}, dict([_T, _H])
    ),
    "sensecap/sensecaps2104-soil-moisture-temp": _fixed(_SOIL),
    "sensecap/sensecaps2105-soll-moisture-temp-ec": _fixed(
        _SOIL, {("soil_conductivity", 0): (0.0, 23_000.0, 1.0)}
    ),
    "sensecap/sensecapt1000-tracker-ab": _fixed(
        {
            ("battery_level", 0): (0.0, 100.0, 1.0),
            ("latitude", 0): (-90.0, 90.0, 1e-6),
            ("longitude", 0): (-180.0, 180.0, 1e-6),
            ("air_temperature", 0): (-40.0, 85.0, 0.1),
        }
    ),
}
"""Strategy by device type id, merged into `test_properties.STRATEGIES`."""
