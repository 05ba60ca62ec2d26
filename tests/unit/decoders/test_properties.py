"""Properties of every decoder: encode is decode's inverse, and no bytes make decode raise."""

from __future__ import annotations

import pytest
from city2_strategies import CITY2_STRATEGIES
from city_strategies import CITY_STRATEGIES
from field_strategies import FIELD_STRATEGIES
from forest_strategies import FOREST_STRATEGIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from named_strategies import NAMED_STRATEGIES
from region_strategies import REGION_STRATEGIES
from sensative_strategies import SENSATIVE_STRATEGIES
from shared_a_strategies import SHARED_A_STRATEGIES
from shared_b_strategies import SHARED_B_STRATEGIES

from decoders import CATALOG, Decoded, Reading, battery, decode
from decoders import cayenne_lpp as lpp
from decoders.catalog import PYTHON_DECODERS, reported_quantities
from decoders.model import DecoderSpec
from decoders.vendors.decentlab import dl_lp8p, dl_mbx, dl_pm, dl_pr26, protocol

# A strategy yields (readings, tolerance by (quantity, channel)); the tolerance is half the
# format's resolution, in the canonical unit.
Sample = tuple[list[Reading], dict[tuple[str, int], float]]
EPS = 1e-9


@st.composite
def _lse01(draw: st.DrawFn) -> Sample:
    ranges = {
        "battery_voltage": (0.0, 16.383, 0.001),
        "soil_moisture": (0.0, 100.0, 0.01),
        "soil_temperature": (-40.0, 85.0, 0.01),
        "soil_conductivity": (0.0, 65535.0, 1.0),
    }
    readings, tolerance = [], {}
    for quantity, (low, high, resolution) in ranges.items():
        readings.append(Reading(quantity, draw(st.floats(low, high))))
        tolerance[(quantity, 0)] = resolution / 2 + EPS
    return readings, tolerance


@st.composite
def _tbhh100(draw: st.DrawFn) -> Sample:
    ranges = {
        "battery_voltage": (2.5, 4.0, 0.1),
        "air_temperature": (-32.0, 95.0, 1.0),
        "relative_humidity": (0.0, 100.0, 1.0),
    }
    optional = {"co2": (0.0, 65534.0, 1.0), "tvoc": (0.0, 65534.0, 1.0)}
    chosen = ranges | {q: r for q, r in optional.items() if draw(st.booleans())}
    readings = [Reading(q, draw(st.floats(low, high))) for q, (low, high, _) in chosen.items()]
    return readings, {(q, 0): r[2] / 2 + EPS for q, r in chosen.items()}


def _decentlab(sensors: tuple[protocol.Sensor, ...]) -> st.SearchStrategy[Sample]:
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
def _cayenne(draw: st.DrawFn) -> Sample:
    channels = draw(st.lists(st.integers(0, 255), unique=True, min_size=1, max_size=6))
    readings, tolerance = [], {}
    for channel in channels:
        if draw(st.integers(0, len(lpp.BY_QUANTITY))) == 0:  # a GPS record
            for name, limit in (("latitude", 90.0), ("longitude", 180.0), ("altitude", 8e4)):
                readings.append(Reading(name, draw(st.floats(-limit, limit)), channel))
                tolerance[(name, channel)] = lpp._GPS_RESOLUTION[name] / 2 + EPS
            continue
        kind = draw(st.sampled_from(sorted(lpp.BY_QUANTITY.values(), key=lambda t: t.type_id)))
        span = 1 << (8 * kind.size)
        low, high = (-span // 2, span // 2 - 1) if kind.signed else (0, span - 1)
        step = kind.resolution * kind.canonical_factor
        value = draw(st.floats(low * step, high * step))
        readings.append(Reading(kind.quantity or "", value, channel))
        tolerance[(kind.quantity or "", channel)] = step / 2 + EPS
    return readings, tolerance


STRATEGIES: dict[str, st.SearchStrategy[Sample]] = {
    "dragino/lse01": _lse01(),
    "browan/tbhh100": _tbhh100(),
    "cayenne/lpp": _cayenne(),
    **CITY_STRATEGIES,
    **CITY2_STRATEGIES,
    **{
        module.SPEC.type_id: _decentlab(module.SENSORS)
        for module in (dl_pr26, dl_lp8p, dl_pm, dl_mbx)
    },
    **REGION_STRATEGIES,
    **FIELD_STRATEGIES,
    **FOREST_STRATEGIES,
    **NAMED_STRATEGIES,
    **SHARED_A_STRATEGIES,
    **SHARED_B_STRATEGIES,
    **SENSATIVE_STRATEGIES,
}


def test_every_encoder_has_a_strategy() -> None:
    with_encode = {s.type_id for s in PYTHON_DECODERS if s.encode is not None}
    assert with_encode == STRATEGIES.keys()


def _keyed(readings: tuple[Reading, ...] | list[Reading]) -> dict[tuple[str, int], float]:
    keyed = {(r.quantity, r.channel): r.value for r in readings}
    assert len(keyed) == len(readings), "duplicate (quantity, channel)"
    return keyed


def _own(spec: DecoderSpec, decoded: Decoded) -> tuple[Reading, ...]:
    """The decoder's own readings; the platform's battery estimate must follow its model."""
    if spec.battery is None:
        return decoded.readings
    own = tuple(r for r in decoded.readings if r.quantity != battery.QUANTITY)
    estimates = [r.value for r in decoded.readings if r.quantity == battery.QUANTITY]
    volts = [r.value for r in own if r.quantity == "battery_voltage"]
    if volts and not any(r.quantity == "battery_level" for r in own):
        assert estimates == [battery.estimate(spec.battery, volts[0])]
    else:
        assert estimates == []
    return own


@pytest.mark.parametrize("type_id", sorted(STRATEGIES))
def test_decode_inverts_encode(type_id: str) -> None:
    spec = CATALOG[type_id]
    assert spec.encode is not None

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(sample=STRATEGIES[type_id])
    def check(sample: Sample) -> None:
        readings, tolerance = sample
        f_port, payload = spec.encode(readings)  # type: ignore[misc]
        decoded = decode(type_id, f_port, payload)
        assert not decoded.errors, decoded.errors
        got, want = _keyed(_own(spec, decoded)), _keyed(readings)
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert abs(got[key] - value) <= tolerance[key], (key, got[key], value)

    check()


@pytest.mark.parametrize("spec", PYTHON_DECODERS, ids=lambda s: s.type_id)
def test_decode_never_raises(spec: DecoderSpec) -> None:
    ports = sorted(spec.f_ports) or [1]

    @settings(max_examples=300, deadline=None)
    @given(
        payload=st.binary(max_size=48),
        f_port=st.one_of(st.sampled_from(ports), st.integers(0, 255)),
    )
    def check(payload: bytes, f_port: int) -> None:
        decoded = decode(spec.type_id, f_port, payload)
        assert isinstance(decoded, Decoded)
        if decoded.errors:
            assert not decoded.readings
        else:
            assert {r.quantity for r in decoded.readings} <= reported_quantities(spec)

    check()
