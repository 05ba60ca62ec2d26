"""Apply the numbered migrations (yoyo-migrations) and seed the quantity vocabulary."""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg
from yoyo import get_backend, read_migrations

from decoders.catalog import CATALOG, reported_quantities
from decoders.quantities import QUANTITIES

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
PLATFORM_ORG = "platform"


def yoyo_url(database_url: str) -> str:
    """yoyo picks its driver from the scheme; ours is psycopg 3."""
    scheme, sep, rest = database_url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {database_url!r}")
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql+psycopg"
    return f"{scheme}://{rest}"


def migrate(database_url: str) -> list[str]:
    """Bring the schema up to date; returns the ids of the migrations applied now."""
    backend = get_backend(yoyo_url(database_url))
    try:
        migrations = read_migrations(str(MIGRATIONS))
        with backend.lock():
            pending = backend.to_apply(migrations)
            applied = [m.id for m in pending]
            backend.apply_migrations(pending)
    finally:
        backend.connection.close()
    for migration_id in applied:
        logger.info("migration applied", extra={"migration": migration_id})
    with psycopg.connect(database_url, autocommit=False) as conn:
        seed(conn)
    return applied


def seed(conn: psycopg.Connection) -> None:
    """Keep `quantities` and `device_types` equal to the vocabulary and the decoder catalogue,
    and make sure the platform org exists. Runs on every migrate, so a release that adds
    decoders or quantities reaches an existing database without a new migration."""
    with conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO quantities (name, unit, description, minimum, maximum, definition)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (name) DO UPDATE SET unit = EXCLUDED.unit,
                description = EXCLUDED.description, minimum = EXCLUDED.minimum,
                maximum = EXCLUDED.maximum, definition = EXCLUDED.definition
            """,
            [
                (q.name, q.unit, q.description, q.minimum, q.maximum, q.definition)
                for q in QUANTITIES.values()
            ],
        )
        cur.executemany(
            "INSERT INTO device_types (type_id, vendor, model, category, quantities) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (type_id) DO UPDATE SET "
            "vendor = EXCLUDED.vendor, model = EXCLUDED.model, category = EXCLUDED.category, "
            "quantities = EXCLUDED.quantities",
            [
                (type_id, spec.vendor, spec.model, spec.category,
                 sorted(reported_quantities(spec)))
                for type_id, spec in sorted(CATALOG.items())
            ],
        )  # fmt: skip
        cur.execute(
            "INSERT INTO organizations (name, kind) VALUES (%s, 'platform') "
            "ON CONFLICT (name) DO NOTHING",
            (PLATFORM_ORG,),
        )
    conn.commit()


def timescale_license(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT current_setting('timescaledb.license', true)").fetchone()
    return str(row[0]) if row and row[0] else "apache"
