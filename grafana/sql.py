"""SQL fragments the dashboards share: template-variable filters and automatic rollups.

Every query reads the public `v_*` views only. The fragments use Grafana's PostgreSQL
macros (`$__timeFilter`, `$__timeGroupAlias`, ...) and template variables; see
`grafana.macros` for the exact set we use and how each expands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The sentinels 'All' stands for (each variable's `allValue`, inserted verbatim).
ALL_ID = "-1"
ALL_TEXT = "'__all'"


def _choice(sentinel: str, variable: str, column: str) -> str:
    return f"({sentinel} IN (${variable}) OR {column} IN (${variable}))"


ORGANIZATION = _choice(ALL_ID, "organization", "organization_id")
DEVICE_TYPE = _choice(ALL_TEXT, "device_type", "device_type")
DEVICE = _choice(ALL_ID, "device", "device_id")
FIELD = _choice(ALL_TEXT, "field", "site")

# Which devices a user group's dashboard is about: the device type's catalogue category,
# or everything an organisation of that kind owns.
DOMAINS = {
    "municipality": ("smart_city", "municipality"),
    "farm": ("agriculture", "farm"),
    "forest": ("forestry", "forestry"),
}


def domain(name: str, alias: str = "") -> str:
    """Devices a user group's dashboard is about (`alias.` prefixes the columns)."""
    category, kind = DOMAINS[name]
    p = f"{alias}." if alias else ""
    return f"({p}category = '{category}' OR {p}organization_kind = '{kind}')"


# Rollup choice by Grafana's $__interval: raw readings while a bucket is shorter than
# 15 minutes (up to ~10 days on a 1000-pixel panel), the hourly rollup up to 3-hour
# buckets, the daily one beyond. The planner folds the constant conditions, so only one
# branch runs.
HOURLY_FROM_MS = 900_000
DAILY_FROM_MS = 10_800_000


def scope(*extra: str, alias: str = "") -> str:
    """Organisation, device type and device variables, plus extra conditions, ANDed."""
    p = f"{alias}." if alias else ""
    return " AND ".join(
        (
            _choice(ALL_ID, "organization", f"{p}organization_id"),
            _choice(ALL_TEXT, "device_type", f"{p}device_type"),
            _choice(ALL_ID, "device", f"{p}device_id"),
            *extra,
        )
    )


def quantities(*names: str) -> str:
    return "quantity IN (" + ", ".join(f"'{n}'" for n in names) + ")"


@dataclass(frozen=True)
class Source:
    """One branch of the automatic rollup: the view and how to aggregate over it.

    `transform` is a SQL expression of `{v}` applied to each value before aggregating;
    the rollups hold averages, so only linear transforms give the same result on all
    branches.
    """

    table: str
    guard: str
    raw: bool

    def avg(self, where: str | None = None, transform: str = "{v}") -> str:
        if self.raw:
            return _filtered(f"avg({transform.format(v='value')})", where)
        weighted = f"sum({transform.format(v='value_avg')} * samples)"
        return f"{_filtered(weighted, where)} / nullif({_filtered('sum(samples)', where)}, 0)"

    def min(self, transform: str = "{v}") -> str:
        return f"min({transform.format(v='value' if self.raw else 'value_min')})"

    def max(self, transform: str = "{v}") -> str:
        return f"max({transform.format(v='value' if self.raw else 'value_max')})"

    def sum(self, transform: str = "{v}") -> str:
        if self.raw:
            return f"sum({transform.format(v='value')})"
        return f"sum({transform.format(v='value_avg')} * samples)"


def _filtered(aggregate: str, where: str | None) -> str:
    return f"{aggregate} FILTER (WHERE {where})" if where else aggregate


SOURCES = (
    Source("v_readings", f"NOT flagged AND $__interval_ms < {HOURLY_FROM_MS}", raw=True),
    Source(
        "v_readings_hourly",
        f"$__interval_ms >= {HOURLY_FROM_MS} AND $__interval_ms < {DAILY_FROM_MS}",
        raw=False,
    ),
    Source("v_readings_daily", f"$__interval_ms >= {DAILY_FROM_MS}", raw=False),
)


# A river gauge's level in cm: reported as such, or the hydrostatic head above a submerged
# absolute-pressure probe: (p - 1 atm) in bar x 1019.716 cm of water per bar.
WATER_LEVEL_CM = (
    "CASE WHEN quantity = 'water_pressure' THEN ({v} - 1.01325) * 1019.716 ELSE {v} END"
)


def rollup(branch: Callable[[Source], str], order: str = "1, 2") -> str:
    """UNION ALL of one SELECT per source; `branch` writes it (FROM/WHERE included)."""
    parts = [branch(s).strip() for s in SOURCES]
    return "\nUNION ALL\n".join(parts) + f"\nORDER BY {order}"


def series(
    names: Sequence[str],
    *,
    within: str | None = None,
    metric: str = "device_name",
    agg: str = "avg",
    scale: str = "",
    transform: str = "{v}",
    extra: Sequence[str] = (),
) -> str:
    """A time series per `metric` of the readings of `names`, from raw data or a rollup."""
    conditions = [quantities(*names), *extra]
    if within:
        conditions.append(domain(within))

    def branch(s: Source) -> str:
        if agg == "avg":
            value = s.avg(transform=transform)
        else:
            value = {"min": s.min, "max": s.max, "sum": s.sum}[agg](transform)
        return f"""
SELECT $__timeGroupAlias(time, $__interval), {metric} AS metric, {value}{scale} AS value
FROM {s.table}
WHERE $__timeFilter(time) AND {s.guard}
  AND {scope(*conditions)}
GROUP BY 1, 2"""

    return rollup(branch)
