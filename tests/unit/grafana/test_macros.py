"""The expander against Grafana's documented PostgreSQL expansions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grafana.macros import (
    ALL,
    Context,
    MacroError,
    Variable,
    expand,
    format_interval,
    round_interval,
    unsupported,
)

FROM = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
TO = datetime(2026, 11, 8, 0, 0, tzinfo=UTC)


def ctx(**variables: Variable) -> Context:
    return Context(FROM, TO, variables)


@pytest.mark.parametrize(
    ("raw_ms", "rounded"),
    [(9, 10), (600, 500), (40_000, 30_000), (604_800, 600_000), (5_184_000, 3_600_000),
     (34_560_000, 43_200_000), (700_000_000, 604_800_000), (10**12, 31_536_000_000)],
)  # fmt: skip
def test_round_interval_follows_grafana(raw_ms: float, rounded: int) -> None:
    assert round_interval(raw_ms) == rounded


@pytest.mark.parametrize(
    ("ms", "text"),
    [(500, "500ms"), (30_000, "30s"), (600_000, "10m"), (3_600_000, "1h"),
     (604_800_000, "7d"), (31_536_000_000, "1y")],
)  # fmt: skip
def test_interval_text(ms: int, text: str) -> None:
    assert format_interval(ms) == text


def test_interval_from_range_and_data_points() -> None:
    assert ctx().interval_ms == 600_000  # 7 days / 1000 points
    assert Context(FROM, FROM + timedelta(hours=1), min_interval_ms=60_000).interval_ms == 60_000
    sql = "$__interval $__interval_ms ${__interval}"
    assert expand(sql, ctx()) == "10m 600000 10m"


def test_time_macros() -> None:
    sql = "WHERE $__timeFilter(r.time) AND $__timeFrom() < $__timeTo()"
    assert expand(sql, ctx()) == (
        "WHERE r.time BETWEEN '2026-11-01T00:00:00Z' AND '2026-11-08T00:00:00Z' "
        "AND '2026-11-01T00:00:00Z' < '2026-11-08T00:00:00Z'"
    )
    assert expand("$__time(t), $__timeEpoch(t)", ctx()) == (
        't AS "time", extract(epoch from t) as "time"'
    )
    assert expand("$__unixEpochFilter(ts) $__unixEpochFrom() $__unixEpochTo()", ctx()) == (
        "ts >= 1793491200 AND ts <= 1794096000 1793491200 1794096000"
    )


def test_time_group_with_and_without_timescaledb() -> None:
    sql = "$__timeGroupAlias(time, $__interval), $__timeGroup(time, '1h')"
    assert expand(sql, ctx()) == "time_bucket('600s',time) AS \"time\", time_bucket('3600s',time)"
    plain = Context(FROM, TO, timescaledb=False)
    assert expand("$__timeGroup(time, 5m)", plain) == "floor(extract(epoch from time)/300)*300"


def test_variables_multi_all_and_single() -> None:
    org = Variable("organization", ["3", "7"])
    quoted = Variable("device_type", ["it's"])
    assert expand("IN ($organization) IN (${organization}) [[organization]]", ctx(
        organization=org)) == "IN ('3','7') IN ('3','7') '3','7'"  # fmt: skip
    assert expand("$device_type", ctx(device_type=quoted)) == "'it''s'"
    all_custom = Variable("organization", [ALL], options=["1", "2"], all_value="-1")
    assert expand("$organization", ctx(organization=all_custom)) == "-1"
    all_options = Variable("organization", [ALL], options=["1", "2"])
    assert expand("$organization", ctx(organization=all_options)) == "'1','2'"
    single = Variable("site", ["O'Brien"], multi=False, include_all=False)
    assert expand("'$site'", ctx(site=single)) == "'O''Brien'"
    assert expand("$unknown $__timeFilter", ctx()) == "$unknown $__timeFilter"


def test_variable_from_dashboard_json() -> None:
    spec = {"name": "device", "multi": True, "includeAll": True, "allValue": "-1",
            "current": {"text": ["All"], "value": ["$__all"]}}  # fmt: skip
    assert Variable.from_dashboard(spec).interpolate() == "-1"


def test_bad_and_unsupported_macros() -> None:
    with pytest.raises(MacroError):
        expand("$__timeGroup(time)", ctx())
    with pytest.raises(MacroError):
        expand("$__unixEpochNanoFilter(t)", ctx())
    sql = "$__timeFilter(t) ${x:csv} $__unixEpochGroup(t, 1h) $__range_s ${__from} $x"
    assert unsupported(sql) == ["${x:csv}", "$__unixEpochGroup(", "$__range_s", "${__from}"]
    assert unsupported("$__timeGroupAlias(t, $__interval) $__interval_ms $device") == []
