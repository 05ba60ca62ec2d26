"""Materialized rollups for the Apache edition, under the same names and columns.

0003 gave the Apache edition plain views over `readings`: correct, but a region's 90 days
daily reads ~2 M raw rows (1.3 s, perf.md §6). Here the Apache edition gets what a
continuous aggregate with `materialized_only = false` does on the Community edition:

* `readings_hourly_store` / `readings_daily_store`: the finished buckets, kept by
  `storage.maintenance.refresh_rollups` (the API runs it periodically);
* `rollup_state`: per rollup, the watermark below which the store is authoritative;
* `readings_hourly` / `readings_daily` become the store below the watermark UNION ALL the
  raw aggregation above it, so readers never see stale or missing buckets, whether the
  maintenance has run or not (before the first run the watermark is -infinity: all raw).

On the Community edition (continuous aggregates) this migration does nothing.
"""

from typing import Any

from yoyo import step

__depends__ = {"0003_rollups"}
__transactional__ = False

ROLLUPS = (("readings_hourly", "1 hour"), ("readings_daily", "1 day"))

STORE = """
CREATE TABLE {name}_store (
    bucket      timestamptz NOT NULL,
    device_id   int NOT NULL,
    quantity_id smallint NOT NULL,
    channel     smallint NOT NULL,
    value_avg   double precision NOT NULL,
    value_min   double precision NOT NULL,
    value_max   double precision NOT NULL,
    samples     bigint NOT NULL,
    PRIMARY KEY (device_id, quantity_id, channel, bucket)
)
"""

VIEW = """
CREATE OR REPLACE VIEW {name} AS
SELECT s.bucket, s.device_id, s.quantity_id, s.channel,
       s.value_avg, s.value_min, s.value_max, s.samples
FROM {name}_store s
WHERE s.bucket < rollup_watermark('{name}')
UNION ALL
SELECT time_bucket(INTERVAL '{width}', r.time) AS bucket, r.device_id, r.quantity_id, r.channel,
       avg(r.value) AS value_avg, min(r.value) AS value_min, max(r.value) AS value_max,
       count(*) AS samples
FROM readings r
WHERE NOT r.flagged AND r.time >= rollup_watermark('{name}')
GROUP BY 1, 2, 3, 4
"""

PLAIN_VIEW = """
CREATE OR REPLACE VIEW {name} AS
SELECT time_bucket(INTERVAL '{width}', time) AS bucket,
       device_id, quantity_id, channel,
       avg(value) AS value_avg, min(value) AS value_min, max(value) AS value_max,
       count(*) AS samples
FROM readings
WHERE NOT flagged
GROUP BY bucket, device_id, quantity_id, channel
"""


def is_continuous(conn: Any) -> bool:
    cursor = conn.cursor()
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass('readings_hourly')")
    row = cursor.fetchone()
    return row is None or row[0] != "v"  # a continuous aggregate is no plain view


def apply(conn: Any) -> None:
    if is_continuous(conn):
        return
    cursor = conn.cursor()
    cursor.execute(
        """
        CREATE TABLE rollup_state (
            name               text PRIMARY KEY,
            width              interval NOT NULL,
            materialized_until timestamptz NOT NULL DEFAULT '-infinity',
            refreshed_at       timestamptz
        )
        """
    )
    # Per chunk of `readings`, the write counters seen at the last refresh: a chunk whose
    # counters moved below the watermark got late data (a backfill) and is recomputed.
    cursor.execute(
        """
        CREATE TABLE rollup_chunk_marks (
            chunk        regclass PRIMARY KEY,
            range_start  timestamptz NOT NULL,
            range_end    timestamptz NOT NULL,
            changes      bigint NOT NULL
        )
        """
    )
    # STABLE, so TimescaleDB excludes chunks at executor start-up as it does for now().
    cursor.execute(
        """
        CREATE FUNCTION rollup_watermark(rollup text) RETURNS timestamptz
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT coalesce(
                (SELECT materialized_until FROM rollup_state WHERE name = rollup),
                '-infinity'::timestamptz)
        $$
        """
    )
    for name, width in ROLLUPS:
        cursor.execute(STORE.format(name=name))
        cursor.execute(
            "INSERT INTO rollup_state (name, width) VALUES (%s, %s::interval)", (name, width)
        )
        cursor.execute(VIEW.format(name=name, width=width))
    # The hourly store holds ~1 row per 1.7 readings at a 36-minute cadence; a hypertable
    # lets retention drop it by chunk like the raw data.
    cursor.execute(
        "SELECT create_hypertable('readings_hourly_store', 'bucket', "
        "chunk_time_interval => interval '30 days', migrate_data => true)"
    )


def rollback(conn: Any) -> None:
    cursor = conn.cursor()
    cursor.execute("SELECT to_regclass('rollup_state') IS NOT NULL")
    row = cursor.fetchone()
    if not row or not row[0]:
        return
    for name, width in ROLLUPS:
        cursor.execute(PLAIN_VIEW.format(name=name, width=width))
        cursor.execute(f"DROP TABLE IF EXISTS {name}_store")
    cursor.execute("DROP FUNCTION IF EXISTS rollup_watermark(text)")
    cursor.execute("DROP TABLE IF EXISTS rollup_chunk_marks")
    cursor.execute("DROP TABLE IF EXISTS rollup_state")


steps = [step(apply, rollback)]
