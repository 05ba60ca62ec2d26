"""Every panel query of every dashboard file, expanded as Grafana does, on simulated data."""

from __future__ import annotations

import psycopg
import pytest

from grafana.macros import expand
from grafana.sql import DAILY_FROM_MS, HOURLY_FROM_MS
from simulator.fleet import Fleet
from tests.integration.grafana.panels import (
    Outcome,
    PanelQuery,
    context,
    dashboards,
    panel_queries,
    run,
    run_all,
)

pytestmark = pytest.mark.integration
QUERIES = panel_queries()


def share_with_rows(outcomes: dict[str, Outcome]) -> float:
    return sum(o.rows > 0 for o in outcomes.values()) / len(outcomes)


def report(outcomes: dict[str, Outcome]) -> str:
    errors = {k: o.error for k, o in outcomes.items() if o.error}
    empty = sorted(k for k, o in outcomes.items() if not o.error and o.rows == 0)
    return f"errors: {errors}\nempty: {empty}"


def test_as_ingested_every_query_runs_and_most_return_rows(
    as_ingested: dict[str, Outcome],
) -> None:
    """What the issue checks: ingested data only, no registry import."""
    assert len(as_ingested) >= 20
    assert not any(o.error for o in as_ingested.values()), report(as_ingested)
    assert share_with_rows(as_ingested) >= 0.8, report(as_ingested)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.id)
def test_panel_query_runs(query: PanelQuery, gdb: psycopg.Connection) -> None:
    outcome = run(gdb, expand(query.sql, context(query.dashboard)))
    assert outcome.error is None, outcome.error


def test_after_import_nearly_every_query_returns_rows(gdb: psycopg.Connection) -> None:
    outcomes = run_all(gdb)
    assert share_with_rows(outcomes) >= 0.85, report(outcomes)


@pytest.mark.parametrize(
    ("days", "points"), [(60, 1000), (400, 1000), (7, 50)], ids=["hourly", "daily", "daily-few"]
)
def test_rollup_branches(days: int, points: int, gdb: psycopg.Connection) -> None:
    """Long ranges (or few data points) read the hourly and daily rollups."""
    interval = context("farm", days, max_data_points=points).interval_ms
    assert interval >= HOURLY_FROM_MS
    assert (interval >= DAILY_FROM_MS) == (days != 60)
    outcomes = run_all(gdb, days, max_data_points=points)
    assert not any(o.error for o in outcomes.values()), report(outcomes)
    assert share_with_rows(outcomes) >= 0.8, report(outcomes)


@pytest.mark.parametrize("name", sorted(dashboards()))
def test_variable_queries_return_options(name: str, gdb: psycopg.Connection) -> None:
    board = dashboards()[name]
    for spec in board["templating"]["list"]:
        outcome = run(gdb, expand(spec["query"], context(name)))
        assert outcome.error is None and outcome.rows > 0, (spec["name"], outcome)


def test_selected_organization_field_and_device(gdb: psycopg.Connection, imported: Fleet) -> None:
    farm = gdb.execute("SELECT organization_id FROM v_organizations WHERE kind = 'farm'").fetchone()
    assert farm is not None
    probe = gdb.execute(
        "SELECT device_id, device_name, site FROM v_devices d WHERE organization_id = %s "
        "AND EXISTS (SELECT 1 FROM v_readings_latest l WHERE l.device_id = d.device_id "
        "AND l.quantity = 'soil_moisture') ORDER BY device_id LIMIT 1",
        (farm[0],),
    ).fetchone()
    assert probe is not None
    (moisture,) = [q for q in QUERIES if q.panel == "Soil moisture at depths"]
    selected = {"organization": [str(farm[0])], "field": [probe[2]], "device": [str(probe[0])]}
    sql = expand(moisture.sql, context("farm", selected=selected))
    rows = gdb.execute(sql).fetchall()
    assert rows and {r[1].split(" · ")[0] for r in rows} == {probe[1]}
    outcomes = run_all(gdb, selected={"organization": [str(farm[0])], "field": [probe[2]]})
    farm_outcomes = {k: o for k, o in outcomes.items() if k.startswith("farm::")}
    assert not any(o.error for o in outcomes.values()), report(outcomes)
    assert share_with_rows(farm_outcomes) >= 0.6, report(farm_outcomes)
