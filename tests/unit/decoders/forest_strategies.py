"""Round-trip strategies for the forestry decoders added with the forest share of issue 3
(Decentlab DL-DS18, DL-LID, DL-ITST, DL-TRS11; SenseCAP S2120).

Each strategy yields (readings, tolerance by (quantity, channel)) like those in
`test_properties.py`; the tolerance is half the format's resolution in the canonical unit.
"""

from __future__ import annotations

from hypothesis import strategies as st

from decoders.model import Reading
from decoders.vendors.decentlab import dl_ds18, dl_itst, dl_lid, dl_trs11, protocol

Sample = tuple[list[Reading], dict[tuple[str, int], float]]
EPS = 1e-9


def _decentlab(sensors: tuple[protocol.Sensor, ...]) -> st.SearchStrategy[Sample]:
    """Any subset of a Decentlab model's sensors, each value within its word's range."""

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
                step = abs(p.resolution() * p.canonical_factor)
                tolerance[(p.quantity, p.channel)] = step / 2 + EPS
        return readings, tolerance

    return build()


@st.composite
def _trs11(draw: st.DrawFn) -> Sample:
    """TEROS 11: VWC over the raw value's whole span, soil temperature, optional battery."""
    readings = [
        Reading("soil_moisture", draw(st.floats(-69.56, 184.6))),
        Reading("soil_temperature", draw(st.floats(-40.0, 60.0))),
    ]
    tolerance = {("soil_moisture", 0): 0.0003879 / 10 * 100 / 2 + EPS}
    tolerance[("soil_temperature", 0)] = 0.05 + EPS
    if draw(st.booleans()):
        readings.append(Reading("battery_voltage", draw(st.floats(0.0, 65.535))))
        tolerance[("battery_voltage", 0)] = 0.0005 + EPS
    return readings, tolerance


_MILLI = 0.001 / 2 + EPS
_S2120 = {
    "air_temperature": (-40.0, 85.0, _MILLI),
    "relative_humidity": (0.0, 100.0, _MILLI),
    "illuminance": (0.0, 200_000.0, _MILLI),
    "uv_index": (0.0, 20.0, _MILLI),
    "wind_speed": (0.0, 60.0, _MILLI),
    "wind_direction": (0.0, 360.0, _MILLI),
    "rainfall_rate": (0.0, 500.0, _MILLI),
    "air_pressure": (300.0, 1100.0, 0.001 * 0.01 / 2 + EPS),
}


@st.composite
def _s2120(draw: st.DrawFn) -> Sample:
    """A non-empty subset of the S2120's eight measurements, SenseCAP milli-unit resolution."""
    chosen = draw(st.lists(st.sampled_from(sorted(_S2120)), min_size=1, unique=True))
    readings = [Reading(q, draw(st.floats(_S2120[q][0], _S2120[q][1]))) for q in chosen]
    return readings, {(q, 0): _S2120[q][2] for q in chosen}


FOREST_STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    **{m.SPEC.type_id: _decentlab(m.SENSORS) for m in (dl_ds18, dl_itst, dl_lid)},
    dl_trs11.SPEC.type_id: _trs11(),
    "sensecap/sensecaps2120-8-in-1": _s2120(),
}
"""Strategy by device type id, merged into `test_properties.STRATEGIES`."""
