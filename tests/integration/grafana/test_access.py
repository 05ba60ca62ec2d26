"""The Grafana roles: platform-wide read-only, per organisation, views only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

from grafana.macros import expand
from simulator.fleet import Fleet
from tests.integration.grafana.fill import OWNERS
from tests.integration.grafana.panels import context, panel_queries, run

pytestmark = pytest.mark.integration
FARM = OWNERS["farm"][0]


def as_role(database_url: str, role: str) -> psycopg.Connection:
    """Log in as `role` (the local server trusts loopback logins, as Grafana would log in)."""
    base, _, rest = database_url.partition("://")
    host = rest.split("@", 1)[-1]
    return psycopg.connect(f"{base}://{role}@{host}", autocommit=True)


@pytest.fixture
def farm_role(grafana_db: str, imported: Fleet) -> Iterator[str]:
    role = f"grafana_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(grafana_db, autocommit=True) as admin:
        admin.execute("SELECT grafana_grant_organization(%s, %s)", (role, FARM))
    yield role
    with psycopg.connect(grafana_db, autocommit=True) as admin:
        admin.execute("DELETE FROM view_scopes WHERE role_name = %s", (role,))
        admin.execute(f'DROP ROLE "{role}"')


def ids(conn: psycopg.Connection, sql: str, params: tuple[object, ...] | None = None) -> set[int]:
    return {row[0] for row in conn.execute(sql, params).fetchall()}


def test_grafana_reader_sees_everything_through_views_only(
    grafana_db: str, gdb: psycopg.Connection
) -> None:
    with as_role(grafana_db, "grafana_reader") as conn:
        assert ids(conn, "SELECT device_id FROM v_devices") == ids(gdb, "SELECT id FROM devices")
        for view in ("v_readings_hourly", "v_readings_daily"):
            rollup = conn.execute(f"SELECT count(*) FROM {view}").fetchone()
            assert rollup is not None and rollup[0] > 0, view
        dead = conn.execute("SELECT count(*) FROM v_dead_letters").fetchone()
        assert dead is not None and dead[0] > 0
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("on",)
        for table in ("readings", "devices", "uplinks", "dead_letters", "view_scopes"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")
        with pytest.raises(errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TEMP TABLE scratch (x int)")


def test_organization_role_sees_its_devices_and_open_data(
    grafana_db: str, gdb: psycopg.Connection, farm_role: str
) -> None:
    farm_id = gdb.execute("SELECT id FROM organizations WHERE name = %s", (FARM,)).fetchone()
    assert farm_id is not None
    expected = ids(gdb, "SELECT id FROM devices WHERE organization_id = %s OR open_data", farm_id)
    others = ids(gdb, "SELECT id FROM devices WHERE organization_id <> %s AND NOT open_data",
                 farm_id)  # fmt: skip
    assert expected and others
    with as_role(grafana_db, farm_role) as conn:
        assert ids(conn, "SELECT device_id FROM v_devices") == expected
        for view in ("v_readings", "v_readings_hourly", "v_readings_latest", "v_uplinks"):
            seen = ids(conn, f"SELECT DISTINCT device_id FROM {view}")
            assert seen and seen <= expected, view
        assert not ids(conn, "SELECT device_id FROM v_receptions WHERE device_name IS NOT NULL") & (
            others
        )
        assert conn.execute("SELECT count(*) FROM v_dead_letters").fetchone() == (0,)
        assert ids(conn, "SELECT gateway_id FROM v_gateways") == ids(
            gdb, "SELECT id FROM gateways WHERE public"
        )
        orgs = ids(conn, "SELECT organization_id FROM v_organizations")
        assert farm_id[0] in orgs
        # A condition that fails loudly on a hidden row never gets to see one.
        conn.execute(
            "SELECT count(*) FROM v_devices "
            "WHERE CASE WHEN NOT open_data AND organization_id <> %s "
            "THEN 1 / (device_id - device_id) ELSE 1 END = 1",
            farm_id,
        )
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT 1 FROM readings LIMIT 1")


def test_organization_role_runs_every_dashboard(grafana_db: str, farm_role: str) -> None:
    with as_role(grafana_db, farm_role) as conn:
        outcomes = {
            f"{q.id}@{days}d": run(conn, expand(q.sql, context(q.dashboard, days)))
            for q in panel_queries()
            for days in (7, 60, 400)  # raw, hourly and daily branches
        }
    assert not {k: o.error for k, o in outcomes.items() if o.error}
    farm = [o for k, o in outcomes.items() if k.startswith("farm::")]
    assert sum(o.rows > 0 for o in farm) / len(farm) >= 0.6


def test_role_without_scope_sees_open_data_only(grafana_db: str, gdb: psycopg.Connection) -> None:
    role = f"grafana_test_{uuid.uuid4().hex[:8]}"
    gdb.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE smartregion_reader')
    try:
        with as_role(grafana_db, role) as conn:
            assert ids(conn, "SELECT device_id FROM v_devices") == ids(
                gdb, "SELECT id FROM devices WHERE open_data"
            )
            assert conn.execute("SELECT count(*) FROM v_gateways WHERE NOT public").fetchone() == (
                0,
            )
    finally:
        gdb.execute(f'DROP ROLE "{role}"')


def test_grant_refuses_an_unknown_organisation(gdb: psycopg.Connection) -> None:
    with pytest.raises(errors.NoDataFound):
        gdb.execute("SELECT grafana_grant_organization('grafana_nobody', 'No Such Org')")
