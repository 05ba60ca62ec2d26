"""Expand a panel's SQL the way Grafana does for its PostgreSQL data source.

Grafana expands a raw SQL query in two passes, and so do we:

1. **Template variables** (the browser, `templateSrv.replace` with the SQL data source's
   `interpolateVariable`): `$name`, `${name}` and `[[name]]`. A multi-value or
   include-All variable becomes its values as quoted SQL literals joined by commas
   (`'3','7'`; quotes doubled inside). 'All' becomes the variable's `allValue` verbatim
   when it has one, else all of its options, quoted. A single-value variable is inserted
   with quotes doubled and no surrounding quotes. The built-ins `$__interval`
   (e.g. `10m`, from the range divided by the panel's data points, rounded as Grafana's
   `roundInterval` does, never below the panel's or data source's minimum interval) and
   `$__interval_ms` (`600000`) are replaced in this pass too. Unknown names stay as they are.
2. **Macros** (the server, `pkg/tsdb/grafana-postgresql-datasource/macros.go`), matched by
   `$__name(args)` where args contain no `)`:

   | macro | expands to |
   | --- | --- |
   | `$__time(col)` | `col AS "time"` |
   | `$__timeEpoch(col)` | `extract(epoch from col) as "time"` |
   | `$__timeFilter(col)` | `col BETWEEN 'FROM' AND 'TO'` (RFC 3339, UTC) |
   | `$__timeFrom()` / `$__timeTo()` | `'FROM'` / `'TO'` |
   | `$__timeGroup(col, interval)` | `time_bucket('Ns',col)` (data source `timescaledb: true`) |
   |  | else `floor(extract(epoch from col)/N)*N`, N = interval in seconds |
   | `$__timeGroupAlias(col, interval)` | the same + ` AS "time"` |
   | `$__unixEpochFilter(col)` | `col >= FROM_S AND col <= TO_S` |
   | `$__unixEpochFrom()` / `$__unixEpochTo()` | `FROM_S` / `TO_S` |

   Not supported (and not used by our dashboards): `$__timeGroup`'s third, fill argument,
   `$__unixEpochNano*`, `$__unixEpochGroup*`, variable formats (`${name:csv}` etc.),
   `$__range*`, `$__from`/`$__to` and ad-hoc filters. `unsupported()` finds them, so a
   test can keep the dashboards inside this set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ALL = "$__all"

# Grafana's variable regex (public/app/features/variables/utils.ts, without formats).
VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)\]\]|\$\{(\w+)\}")
MACRO = re.compile(r"\$(__\w+)\(([^)]*)\)")
DOLLAR_NAME = re.compile(r"\$\{(\w+)(:[^}]*)?\}|\$(\w+)(\()?")
SUPPORTED_MACROS = frozenset(
    {
        "__time",
        "__timeEpoch",
        "__timeFilter",
        "__timeFrom",
        "__timeTo",
        "__timeGroup",
        "__timeGroupAlias",
        "__unixEpochFilter",
        "__unixEpochFrom",
        "__unixEpochTo",
    }
)
BUILTIN_VARIABLES = frozenset({"__interval", "__interval_ms"})

# kbn.roundInterval: (upper bound of the raw interval, rounded interval), milliseconds.
ROUND_INTERVAL = (
    (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1_500, 1_000),
    (3_500, 2_000), (7_500, 5_000), (12_500, 10_000), (17_500, 15_000), (25_000, 20_000),
    (45_000, 30_000), (90_000, 60_000), (210_000, 120_000), (450_000, 300_000),
    (750_000, 600_000), (1_050_000, 900_000), (1_500_000, 1_200_000),
    (2_700_000, 1_800_000), (5_400_000, 3_600_000), (9_000_000, 7_200_000),
    (16_200_000, 10_800_000), (27_000_000, 21_600_000), (39_600_000, 43_200_000),
    (604_800_000, 86_400_000), (1_814_400_000, 604_800_000), (3_628_800_000, 2_592_000_000),
)  # fmt: skip
YEAR_MS = 31_536_000_000
UNITS_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
            "w": 604_800_000, "y": YEAR_MS}  # fmt: skip


class MacroError(ValueError):
    """A macro Grafana would refuse (wrong arguments) or that we do not support."""


def round_interval(ms: float) -> int:
    for bound, rounded in ROUND_INTERVAL:
        if ms < bound:
            return rounded
    return YEAR_MS


def format_interval(ms: int) -> str:
    """kbn.secondsToHms: the largest whole unit (`1y`, `2d`, `3h`, `10m`, `30s`, `500ms`)."""
    seconds = ms / 1000
    for unit, size in (("y", 31_536_000), ("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    if seconds >= 1:
        return f"{int(seconds)}s"
    return f"{ms}ms"


def parse_interval(text: str) -> int:
    """`10m` -> 600000 (gtime.ParseInterval for the units we produce)."""
    match = re.fullmatch(r"\s*'?(\d+)(ms|s|m|h|d|w|y)'?\s*", text)
    if not match:
        raise MacroError(f"not an interval: {text!r}")
    return int(match.group(1)) * UNITS_MS[match.group(2)]


@dataclass(frozen=True)
class Variable:
    """A template variable's state: the selected values, and what 'All' means."""

    name: str
    selected: Sequence[str] = (ALL,)
    options: Sequence[str] = ()
    all_value: str | None = None
    multi: bool = True
    include_all: bool = True

    @classmethod
    def from_dashboard(cls, spec: Mapping[str, Any], options: Sequence[str] = ()) -> Variable:
        current = spec.get("current", {}).get("value", [ALL])
        selected = [current] if isinstance(current, str) else list(current)
        return cls(
            name=spec["name"],
            selected=selected,
            options=tuple(options),
            all_value=spec.get("allValue") or None,
            multi=bool(spec.get("multi")),
            include_all=bool(spec.get("includeAll")),
        )

    def interpolate(self) -> str:
        values = list(self.selected)
        if ALL in values:
            if self.all_value:
                return self.all_value  # a custom all value is inserted unformatted
            values = list(self.options)
        if self.multi or self.include_all:
            return ",".join(quote(v) for v in values)
        return ",".join(v.replace("'", "''") for v in values)


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Context:
    """Time range, resolution and variables of one panel query."""

    time_from: datetime
    time_to: datetime
    variables: Mapping[str, Variable] = field(default_factory=dict)
    max_data_points: int = 1000
    min_interval_ms: int = 0
    timescaledb: bool = True

    @property
    def interval_ms(self) -> int:
        span_ms = (self.time_to - self.time_from).total_seconds() * 1000
        return max(round_interval(span_ms / self.max_data_points), self.min_interval_ms)


def _rfc3339(when: datetime) -> str:
    text = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return text


def interpolate_variables(sql: str, ctx: Context) -> str:
    builtins = {
        "__interval": format_interval(ctx.interval_ms),
        "__interval_ms": str(ctx.interval_ms),
    }

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        if name in builtins:
            return builtins[name]
        variable = ctx.variables.get(name)
        return variable.interpolate() if variable else match.group(0)

    return VARIABLE.sub(replace, sql)


def expand_macros(sql: str, ctx: Context) -> str:
    def replace(match: re.Match[str]) -> str:
        name, raw_args = match.group(1), match.group(2)
        args = [a.strip() for a in raw_args.split(",")] if raw_args.strip() else []
        return _macro(name, args, ctx)

    return MACRO.sub(replace, sql)


def _macro(name: str, args: list[str], ctx: Context) -> str:
    start, end = ctx.time_from, ctx.time_to

    def need(n: int) -> None:
        if len(args) != n:
            raise MacroError(f"${name} needs {n} argument(s), got {args}")

    if name == "__time":
        need(1)
        return f'{args[0]} AS "time"'
    if name == "__timeEpoch":
        need(1)
        return f'extract(epoch from {args[0]}) as "time"'
    if name == "__timeFilter":
        need(1)
        return f"{args[0]} BETWEEN '{_rfc3339(start)}' AND '{_rfc3339(end)}'"
    if name == "__timeFrom":
        need(0)
        return f"'{_rfc3339(start)}'"
    if name == "__timeTo":
        need(0)
        return f"'{_rfc3339(end)}'"
    if name in ("__timeGroup", "__timeGroupAlias"):
        need(2)
        seconds = parse_interval(args[1]) / 1000
        if ctx.timescaledb:
            group = f"time_bucket('{seconds:.0f}s',{args[0]})"
        else:
            group = f"floor(extract(epoch from {args[0]})/{seconds:g})*{seconds:g}"
        return group + (' AS "time"' if name == "__timeGroupAlias" else "")
    if name == "__unixEpochFilter":
        need(1)
        a = args[0]
        return f"{a} >= {int(start.timestamp())} AND {a} <= {int(end.timestamp())}"
    if name == "__unixEpochFrom":
        need(0)
        return str(int(start.timestamp()))
    if name == "__unixEpochTo":
        need(0)
        return str(int(end.timestamp()))
    raise MacroError(f"unsupported macro ${name}")


def expand(sql: str, ctx: Context) -> str:
    """Variables first (browser), then macros (server), as Grafana does."""
    return expand_macros(interpolate_variables(sql, ctx), ctx)


def unsupported(sql: str) -> list[str]:
    """Macros, built-in variables and variable formats this expander does not implement."""
    found = []
    for match in DOLLAR_NAME.finditer(sql):
        braced, fmt, bare, call = match.groups()
        name = braced or bare
        if fmt:
            found.append(match.group(0))
        elif call:
            if name not in SUPPORTED_MACROS:
                found.append(match.group(0))
        elif name.startswith("__") and name not in BUILTIN_VARIABLES | SUPPORTED_MACROS:
            found.append(match.group(0))  # e.g. $__range_s, ${__from}
    return found
