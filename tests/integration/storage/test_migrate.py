"""`smartregion db migrate` keeps the catalogue tables in step with the code on every run."""

from __future__ import annotations

import psycopg
import pytest

from decoders import CATALOG
from decoders.catalog import reported_quantities
from decoders.quantities import QUANTITIES
from storage.migrate import migrate

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
