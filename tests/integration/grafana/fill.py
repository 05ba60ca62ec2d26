"""Simulated history for the dashboard tests, written through the ingestor's pipeline.

The simulator's irmd fleet renders `hours` of history (TTN v3 envelopes, with a few
malformed and truncated messages); each message goes through the ingestor's own
`parse_one`, `register_devices`, `build_batch` and `write_batch`, the path `smartregion
ingest` takes after MQTT, without the broker (whose delivery other suites test).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg

from ingestor.pipeline import Incoming, build_batch, parse_one, sightings
from simulator.fleet import Fleet, build_fleet
from simulator.traffic import generate
from storage.registry import ensure_organization, load_quantity_ids, register_devices
from storage.writer import write_batch

SEED = 7
FAULTS = {"malformed": 0.003, "truncated": 0.01}
# Owner per scenario site kind, as an operator's `devices import --org` would set it.
OWNERS = {
    "town": ("Stadt Leipzig", "municipality"),
    "river": ("Stadt Leipzig", "municipality"),
    "farm": ("Agrargenossenschaft Muldental", "farm"),
    "forest": ("Forstbetrieb Dübener Heide", "forestry"),
}


async def ingest_history(database_url: str, devices: int = 60, hours: int = 36) -> Fleet:
    """`hours` of the fleet's traffic up to now, stored as the ingestor stores it."""
    fleet = build_fleet(devices, SEED)
    end = datetime.now(UTC)
    start = end - timedelta(hours=hours)
    counts: Counter[str] = Counter()
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        default_org = await ensure_organization(conn, "community")
        quantity_ids = await load_quantity_ids(conn)
        await conn.commit()
        batch: list[Incoming] = []

        async def flush() -> None:
            parsed = [parse_one(i) for i in batch]
            async with conn.transaction():
                refs = await register_devices(conn, sightings(parsed), default_org)
                rows = build_batch(parsed, refs, quantity_ids, counts)
                await write_batch(conn, rows, refs, quantity_ids, default_org)
            batch.clear()

        stream = generate(fleet, "ttn-v3", start.timestamp(), end.timestamp(), FAULTS)
        for m in stream:
            batch.append(Incoming(m.topic, m.payload, arrived_at=end))
            if len(batch) >= 1000:
                await flush()
        if batch:
            await flush()
    assert counts["uplink_decoded"] > 1000, counts
    assert counts["dead_letter"] > 0 and counts["uplink_decode_error"] > 0, counts
    return fleet


def import_registry(conn: psycopg.Connection, fleet: Fleet) -> None:
    """What `devices import` adds: owners, positions, names, fields; some open data."""
    org_ids = {}
    for kind, (name, org_kind) in OWNERS.items():
        row = conn.execute(
            "INSERT INTO organizations (name, kind) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind RETURNING id",
            (name, org_kind),
        ).fetchone()
        assert row is not None
        org_ids[kind] = row[0]
    for d in fleet.devices:
        conn.execute(
            "UPDATE devices SET latitude = %s, longitude = %s, name = %s, "
            "organization_id = coalesce(%s, organization_id), open_data = %s, "
            "tags = jsonb_build_object('field', %s::text) WHERE dev_eui = %s",
            (d.latitude, d.longitude, d.name, org_ids.get(d.site_kind), d.index % 10 == 0,
             d.site, d.dev_eui),
        )  # fmt: skip
    conn.execute("UPDATE gateways SET public = true WHERE id = (SELECT min(id) FROM gateways)")
