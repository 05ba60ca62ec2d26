"""Every panel query of every committed dashboard, expanded as Grafana expands it, and run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from grafana.macros import Context, Variable, expand

DASHBOARDS = Path(__file__).parents[3] / "grafana" / "dashboards"


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref_id: str
    sql: str

    @property
    def id(self) -> str:
        return f"{self.dashboard}::{self.panel}::{self.ref_id}"


@dataclass(frozen=True)
class Outcome:
    rows: int
    error: str | None = None


def load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def dashboards() -> dict[str, dict[str, Any]]:
    return {p.stem: load(p) for p in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for panel in dashboard["panels"]:
        out.append(panel)
        out.extend(panel.get("panels", []))  # a collapsed row keeps its panels inside
    return out


def panel_queries() -> list[PanelQuery]:
    return [
        PanelQuery(name, panel["title"], t["refId"], t["rawSql"])
        for name, board in dashboards().items()
        for panel in panels(board)
        for t in panel.get("targets", [])
    ]


def context(
    dashboard: str,
    days: float = 7,
    selected: dict[str, list[str]] | None = None,
    max_data_points: int = 1000,
) -> Context:
    """The dashboard's variables at their saved state ('All'), or `selected` values."""
    board = dashboards()[dashboard]
    variables = {}
    for spec in board["templating"]["list"]:
        variable = Variable.from_dashboard(spec)
        if selected and spec["name"] in selected:
            variable = Variable(
                spec["name"], selected[spec["name"]], all_value=spec.get("allValue")
            )
        variables[spec["name"]] = variable
    now = datetime.now(UTC)
    return Context(
        time_from=now - timedelta(days=days),
        time_to=now,
        variables=variables,
        max_data_points=max_data_points,
        min_interval_ms=60_000,  # the data source's timeInterval
    )


def run(conn: psycopg.Connection, sql: str) -> Outcome:
    try:
        with conn.transaction():
            rows = conn.execute(sql).fetchall()
    except psycopg.Error as exc:
        return Outcome(0, f"{type(exc).__name__}: {exc}")
    return Outcome(len(rows))


def run_all(conn: psycopg.Connection, days: float = 7, **kwargs: Any) -> dict[str, Outcome]:
    return {
        q.id: run(conn, expand(q.sql, context(q.dashboard, days, **kwargs)))
        for q in panel_queries()
    }
