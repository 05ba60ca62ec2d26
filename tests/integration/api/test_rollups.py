"""Rollup maintenance on the real TimescaleDB (Apache edition): stores, watermark, late data.

A database of its own: refreshing moves the watermark, which the other API tests (writing
readings at arbitrary times into the session database) must not see.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import AsyncConnection

from storage.maintenance import refresh_rollups
from storage.migrate import migrate
from tests.fixtures.db import ADMIN_URL
from tests.integration.api.factories import make_device, make_org, quantity_id

pytestmark = pytest.mark.integration

NOW = datetime(2025, 5, 14, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def rollup_url() -> Iterator[str]:
    name = f"smartregion_rollups_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    migrate(url)
    yield url
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def rdb(rollup_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(rollup_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
async def aconn(rollup_url: str) -> AsyncIterator[AsyncConnection]:
    async with await AsyncConnection.connect(rollup_url, autocommit=True) as conn:
        yield conn


def insert(db: psycopg.Connection, device: int, points: list[tuple[datetime, float]]) -> None:
    qid = quantity_id(db, "air_temperature")
    with db.cursor() as cur:
        cur.executemany(
            "INSERT INTO readings (time, device_id, quantity_id, value) VALUES (%s, %s, %s, %s)",
            [(t, device, qid, v) for t, v in points],
        )


def hourly(db: psycopg.Connection, device: int) -> dict[datetime, tuple[float, int]]:
    rows = db.execute(
        "SELECT bucket, value_avg, samples FROM readings_hourly WHERE device_id = %s",
        (device,),
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def daily(db: psycopg.Connection, device: int) -> dict[datetime, tuple[float, float, int]]:
    rows = db.execute(
        "SELECT bucket, value_avg, value_max, samples FROM readings_daily WHERE device_id = %s",
        (device,),
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def raw_hourly(db: psycopg.Connection, device: int) -> dict[datetime, tuple[float, int]]:
    rows = db.execute(
        "SELECT time_bucket('1 hour', time), avg(value), count(*) FROM readings "
        "WHERE device_id = %s AND NOT flagged GROUP BY 1",
        (device,),
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def store_count(db: psycopg.Connection, table: str, device: int) -> int:
    row = db.execute(f"SELECT count(*) FROM {table} WHERE device_id = %s", (device,)).fetchone()
    assert row is not None
    return int(row[0])


async def test_views_are_right_before_during_and_after_refreshes(
    rdb: psycopg.Connection, aconn: AsyncConnection
) -> None:
    org, _ = make_org(rdb)
    device, _ = make_device(rdb, org)
    # 3 days, every 20 minutes, up to NOW
    start = NOW - timedelta(days=3)
    points = [(start + timedelta(minutes=20 * i), float(i % 17)) for i in range(3 * 72 + 1)]
    points = [p for p in points if p[0] <= NOW]
    insert(rdb, device, points)
    before = hourly(rdb, device)
    assert before == raw_hourly(rdb, device)  # watermark -infinity: all live

    report = await refresh_rollups(aconn, now=NOW)
    assert report.materialized and report.skipped is None
    assert report.hourly_until == datetime(2025, 5, 14, 10, tzinfo=UTC)
    assert report.daily_until == datetime(2025, 5, 14, tzinfo=UTC)
    # finished buckets are in the stores, the current hour and day stay live
    assert store_count(rdb, "readings_hourly_store", device) == len(before) - 1
    assert store_count(rdb, "readings_daily_store", device) == 3
    after = hourly(rdb, device)
    assert after.keys() == before.keys()
    for bucket, (avg, samples) in before.items():
        assert after[bucket][0] == pytest.approx(avg) and after[bucket][1] == samples

    # daily from the hourly store equals daily from raw
    raw_daily = rdb.execute(
        "SELECT time_bucket('1 day', time), avg(value), max(value), count(*) FROM readings "
        "WHERE device_id = %s GROUP BY 1",
        (device,),
    ).fetchall()
    rolled = daily(rdb, device)
    assert len(rolled) == len(raw_daily) == 4
    for bucket, avg, vmax, count in raw_daily:
        assert rolled[bucket][0] == pytest.approx(avg)
        assert rolled[bucket][1:] == (vmax, count)

    # a reading arriving late inside the lookback window is picked up by the next refresh
    late = NOW - timedelta(hours=2, minutes=5)
    insert(rdb, device, [(late, 1000.0)])
    await refresh_rollups(aconn, now=NOW + timedelta(minutes=10))
    bucket = datetime(2025, 5, 14, 8, tzinfo=UTC)
    assert hourly(rdb, device)[bucket] == pytest.approx(raw_hourly(rdb, device)[bucket])
    assert daily(rdb, device)[datetime(2025, 5, 14, tzinfo=UTC)][1] == 1000.0  # live day


async def test_backfill_into_an_old_chunk_is_recomputed(
    rdb: psycopg.Connection, aconn: AsyncConnection, rollup_url: str
) -> None:
    org, _ = make_org(rdb)
    device, _ = make_device(rdb, org)
    await refresh_rollups(aconn, now=NOW)
    # 40 days back: far below the lookback, in a chunk of its own
    old_day = NOW - timedelta(days=40)
    backfill = [(old_day + timedelta(minutes=30 * i), 7.0 + i) for i in range(10)]
    insert(rdb, device, backfill)
    # the counters reach pg_stat_user_tables when the writing session reports them
    rdb.execute("SELECT pg_stat_force_next_flush()")
    rdb.close()
    with psycopg.connect(rollup_url, autocommit=True) as db:
        db.execute("SELECT 1")
        expected = raw_hourly(db, device)
        assert hourly(db, device) != expected  # the store does not know the backfill yet
        report = await refresh_rollups(aconn, now=NOW + timedelta(hours=1))
        assert any(s <= old_day < e for s, e in report.ranges["readings_hourly"]), report.ranges
        assert hourly(db, device) == expected
        assert store_count(db, "readings_hourly_store", device) == len(expected) == 6
        assert store_count(db, "readings_daily_store", device) == 1


async def test_deleting_a_device_removes_its_rollups(
    rdb: psycopg.Connection, aconn: AsyncConnection
) -> None:
    from storage.api_registry import delete_device

    org, _ = make_org(rdb)
    device, _ = make_device(rdb, org)
    insert(rdb, device, [(NOW - timedelta(days=2, hours=h), 3.0) for h in range(5)])
    await refresh_rollups(aconn, now=NOW, deep=True)
    assert store_count(rdb, "readings_daily_store", device) == 1
    await delete_device(aconn, device, owner=org)
    assert store_count(rdb, "readings_hourly_store", device) == 0
    assert store_count(rdb, "readings_daily_store", device) == 0


async def test_full_refresh_is_idempotent_and_concurrent_runs_take_turns(
    rdb: psycopg.Connection, aconn: AsyncConnection, rollup_url: str
) -> None:
    org, _ = make_org(rdb)
    device, _ = make_device(rdb, org)
    insert(rdb, device, [(NOW - timedelta(days=1, minutes=7 * i), float(i)) for i in range(50)])
    first = await refresh_rollups(aconn, now=NOW, full=True)
    snapshot = hourly(rdb, device), daily(rdb, device)
    second = await refresh_rollups(aconn, now=NOW, full=True)
    assert (hourly(rdb, device), daily(rdb, device)) == snapshot
    assert first.hourly_until == second.hourly_until
    # while one session holds the lock, another refresh skips instead of waiting
    rdb.execute("SELECT pg_advisory_lock(7316001)")
    try:
        async with await AsyncConnection.connect(rollup_url, autocommit=True) as other:
            skipped = await refresh_rollups(other, now=NOW)
        assert skipped.skipped == "another refresh is running"
    finally:
        rdb.execute("SELECT pg_advisory_unlock(7316001)")


async def test_views_keep_their_columns(rdb: psycopg.Connection) -> None:
    for view in ("readings_hourly", "readings_daily"):
        columns = rdb.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            (view,),
        ).fetchall()
        assert columns == [
            ("bucket", "timestamp with time zone"),
            ("device_id", "integer"),
            ("quantity_id", "smallint"),
            ("channel", "smallint"),
            ("value_avg", "double precision"),
            ("value_min", "double precision"),
            ("value_max", "double precision"),
            ("samples", "bigint"),
        ]
