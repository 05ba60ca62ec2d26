"""Round-trip strategies for the region's agriculture, forestry and sensor-network decoders.

Each strategy yields (readings, tolerance by (quantity, channel)) like those in
`test_properties.py`; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from types import ModuleType

from hypothesis import strategies as st

from decoders.model import Reading
from decoders.vendors.decentlab import (
    dl_atm22,
    dl_atm41,
    dl_isf,
    dl_lws,
    dl_par,
    dl_pyr,
    dl_rad,
    dl_sdd,
    dl_sht35_001,
    dl_smtp,
    dl_tbrg,
    dl_tp,
    dl_trs12,
    dl_trs21,
    dl_zn1,
    dl_zn2,
    protocol,
)

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


def _decentlab(sensors: tuple[protocol.Sensor, ...]) -> st.SearchStrategy[Sample]:
    """Any subset of a Decentlab model's sensors, each value within its datasheet range."""

    @st.composite
    def build(draw: st.DrawFn) -> Sample:
        readings, tolerance = [], {}
        for sensor in sensors:
            if not draw(st.booleans()):
                continue
            for p in sensor.parameters:
                if p.quantity is None:
                    continue
                low, high = p.limits()
                value = draw(st.floats(low, high))
                readings.append(Reading(p.quantity, value * p.canonical_factor, p.channel))
                tolerance[(p.quantity, p.channel)] = abs(p.resolution() * p.canonical_factor) / 2
                tolerance[(p.quantity, p.channel)] += EPS
        return readings, tolerance

    return build()


DECENTLAB: tuple[ModuleType, ...] = (
    dl_atm22,
    dl_atm41,
    dl_isf,
    dl_lws,
    dl_par,
    dl_pyr,
    dl_rad,
    dl_sdd,
    dl_sht35_001,
    dl_smtp,
    dl_tbrg,
    dl_tp,
    dl_trs12,
    dl_trs21,
    dl_zn1,
    dl_zn2,
)

_LHT65 = _fixed(
    {
        ("battery_voltage", 0): (2.0, 3.7, 0.001),
        ("air_temperature", 0): (-40.0, 125.0, 0.01),
        ("relative_humidity", 0): (0.0, 100.0, 0.1),
    },
    {("air_temperature", 1): (-55.0, 125.0, 0.01)},
)
_DISTANCE = _fixed(
    {("battery_voltage", 0): (2.0, 3.7, 0.001)}, {("distance", 0): (1.0, 65535.0, 1.0)}
)

_MILESIGHT_COMMON: dict[tuple[str, int], Range] = {
    ("battery_level", 0): (0.0, 100.0, 1.0),
    ("air_temperature", 0): (-30.0, 70.0, 0.1),
    ("relative_humidity", 0): (0.0, 100.0, 0.5),
}

REGION_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "milesight-iot/em300-th": _fixed(
        {("air_temperature", 0): (-30.0, 70.0, 0.1)},
        {k: r for k, r in _MILESIGHT_COMMON.items() if k[0] != "air_temperature"},
    ),
    "milesight-iot/em500-co2": _fixed(
        {("co2", 0): (0.0, 10000.0, 1.0)},
        {**_MILESIGHT_COMMON, ("air_pressure", 0): (300.0, 1100.0, 0.1)},
    ),
    "milesight-iot/em500-smtc": _fixed(
        {("soil_moisture", 0): (0.0, 100.0, 0.5)},
        {
            ("battery_level", 0): (0.0, 100.0, 1.0),
            ("soil_temperature", 0): (-30.0, 70.0, 0.1),
            ("soil_conductivity", 0): (0.0, 10000.0, 1.0),
        },
    ),
    "dragino/dds20-lb": _DISTANCE,
    "dragino/ldds75": _DISTANCE,
    "dragino/lds02": _fixed(
        {("battery_voltage", 0): (2.0, 3.7, 0.001), ("door_open", 0): (0.0, 1.0, 1.0)}
    ),
    "dragino/lht65": _LHT65,
    "dragino/lht65n": _LHT65,
    **{module.SPEC.type_id: _decentlab(module.SENSORS) for module in DECENTLAB},
}
"""Strategy by device type id, merged into `test_properties.STRATEGIES`."""
