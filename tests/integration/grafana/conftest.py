"""A database of its own for the dashboard tests, filled with simulated history once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from simulator.fleet import Fleet
from storage.migrate import migrate
from tests.fixtures.db import ADMIN_URL, _with_db
from tests.integration.grafana.fill import import_registry, ingest_history
from tests.integration.grafana.panels import Outcome, run_all


@pytest.fixture(scope="session")
def grafana_db() -> Iterator[str]:
    """Separate from the shared session database: these tests change owners and roles."""
    name = f"smartregion_grafana_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"cannot reach PostgreSQL at {ADMIN_URL} ({exc}); run `make setup`")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = _with_db(ADMIN_URL, name)
    migrate(url)
    yield url
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def history(grafana_db: str) -> Fleet:
    return asyncio.run(ingest_history(grafana_db))


@pytest.fixture(scope="session")
def as_ingested(grafana_db: str, history: Fleet) -> dict[str, Outcome]:
    """Every panel query on the data exactly as ingestion leaves it (no registry import)."""
    with psycopg.connect(grafana_db, autocommit=True) as conn:
        return run_all(conn)


@pytest.fixture(scope="session")
def imported(grafana_db: str, history: Fleet, as_ingested: dict[str, Outcome]) -> Fleet:
    """Then what an operator adds: owners, positions, fields, open-data flags."""
    with psycopg.connect(grafana_db, autocommit=True) as conn:
        import_registry(conn, history)
    return history


@pytest.fixture
def gdb(grafana_db: str, imported: Fleet) -> Iterator[psycopg.Connection]:
    with psycopg.connect(grafana_db, autocommit=True) as conn:
        yield conn
