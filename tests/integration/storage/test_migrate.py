"""`smartregion db migrate` keeps the catalogue tables in step with the code on every run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from yoyo import get_backend, read_migrations

from decoders import CATALOG
from decoders.catalog import reported_quantities
from decoders.quantities import QUANTITIES
from storage.migrate import MIGRATIONS, migrate, yoyo_url
from tests.fixtures.db import ADMIN_URL

pytestmark = pytest.mark.integration


def test_migrate_again_applies_nothing_and_restores_the_catalogue_tables(
    database_url: str, db: psycopg.Connection
) -> None:
    # a database from an older release: a type and a quantity the code has since added
    # are missing, and a type's quantities are out of date
    db.execute("DELETE FROM device_types WHERE type_id = 'nwave/nps405sm'")
    db.execute("UPDATE device_types SET quantities = '{}' WHERE type_id = 'dragino/lse01'")
    assert migrate(database_url) == []  # no migration pending, the seed still runs
    rows = dict(db.execute("SELECT type_id, quantities FROM device_types").fetchall())
    assert rows.keys() >= CATALOG.keys()
    assert set(rows["nwave/nps405sm"]) == reported_quantities(CATALOG["nwave/nps405sm"])
    # the battery estimate is among what an LSE01 reports
    assert "battery_level_estimate" in rows["dragino/lse01"]
    names = {n for (n,) in db.execute("SELECT name FROM quantities").fetchall()}
    assert names >= QUANTITIES.keys()


def test_dead_letters_stored_twice_before_0007_are_folded_into_one() -> None:
    """Migration 0007 makes dead letters unique; the duplicates an older release stored
    (a malformed message redelivered after a crash) become one row that counts them."""
    name = f"smartregion_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    try:
        backend = get_backend(yoyo_url(url))
        try:
            older = read_migrations(str(MIGRATIONS)).filter(
                lambda m: m.id != "0007_dead_letters_once"
            )
            backend.apply_migrations(backend.to_apply(older))
        finally:
            backend.connection.close()
        with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO dead_letters (received_at, topic, payload, reason) "
                "VALUES (%s, %s, %s, 'invalid JSON')",
                [
                    ("2026-11-01T10:00Z", "t/a", b"{broken"),
                    ("2026-11-01T10:05Z", "t/a", b"{broken"),  # redelivered
                    ("2026-11-01T10:07Z", "t/a", b"{other"),
                    ("2026-11-01T10:08Z", "t/b", b"{broken"),  # same bytes, other topic
                    ("2026-11-01T10:09Z", "t/a", b"{broken"),  # and again
                ],
            )
        assert migrate(url) == ["0007_dead_letters_once"]
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT topic, payload, deliveries, received_at, last_received_at "
                "FROM dead_letters ORDER BY id"
            ).fetchall()
            assert [(r[0], bytes(r[1]), r[2]) for r in rows] == [
                ("t/a", b"{broken", 3),
                ("t/a", b"{other", 1),
                ("t/b", b"{broken", 1),
            ]
            assert rows[0][3] == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
            assert rows[0][4] == datetime(2026, 11, 1, 10, 9, tzinfo=UTC)
            assert rows[1][4] is None  # delivered once
            with pytest.raises(psycopg.errors.UniqueViolation):
                conn.execute(
                    "INSERT INTO dead_letters (topic, payload, reason) VALUES ('t/a', %s, 'x')",
                    (b"{broken",),
                )
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
