"""`smartregion bench query`: p95 of the four read paths through HTTP, on >= 20 M readings.

Data (perf.md §6): 1000 devices in 10 regions x 5 quantities x 4000 timestamps (one uplink
per device every 36 minutes with a per-device phase, 100 days ending at load time) =
20 000 000 readings, loaded in time order by binary COPY in 100 k-row batches into a
database of its own (`smartregion_bench` next to SMARTREGION_DATABASE_URL's). A later run
reuses the data when the database holds a finished load of at least the asked size.

After the load: readings_latest (what the ingestor's writer keeps), VACUUM ANALYZE and a
full rollup refresh (`storage.maintenance`), i.e. the state a running platform is in.

Measurement: `uvicorn api.app:create_app_from_env` in a subprocess on 127.0.0.1 (one
worker, the rollup timer off so nothing else runs), one keep-alive HTTP client with an
organisation member's key (the organisation owns all devices), `warmup` untimed then
`requests` timed calls per query, rotating over devices and regions. Windows end at the
data's end (stored with the load), so a reused data set asks the same questions.
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg

from storage.maintenance import refresh_rollups
from storage.migrate import migrate
from storage.registry import create_api_key

BENCH_QUANTITIES = (
    "air_temperature",
    "relative_humidity",
    "air_pressure",
    "soil_temperature",
    "battery_level",
)
REGIONS = 10
INTERVAL = timedelta(minutes=36)
BATCH_ROWS = 100_000
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)
# one readings tuple: 6 fields, each (length, value): time, device_id, quantity_id,
# channel, value, flagged
ROW = struct.Struct(">hiqiiihihidi?")
GOALS_MS = {
    "latest_all_devices_p95_ms": 50,
    "device_30d_hourly_p95_ms": 50,
    "region_90d_daily_p95_ms": 300,
    "map_latest_p95_ms": 100,
}


@dataclass(frozen=True)
class Dataset:
    readings: int
    devices: int
    end: datetime
    key: str
    euis: list[str]
    regions: list[tuple[float, float, float, float]]
    load_seconds: float | None


def bench_url(database_url: str, name: str) -> str:
    base, _, _ = database_url.rpartition("/")
    return f"{base}/{name}"


def region_box(index: int) -> tuple[float, float, float, float]:
    """Ten 0.2 x 0.15 degree boxes across the Leipzig-Halle area, west,south,east,north."""
    west = 11.6 + (index % 5) * 0.25
    south = 51.2 + (index // 5) * 0.2
    return west, south, round(west + 0.2, 4), round(south + 0.15, 4)


def value_of(quantity: int, device: int, step: int) -> float:
    """Smooth, plausible values: a daily cycle per quantity plus a per-device offset."""
    phase = math.sin(step * 2 * math.pi / 40 + device)
    if quantity == 0:
        return 12.0 + 8.0 * phase
    if quantity == 1:
        return 70.0 - 20.0 * phase
    if quantity == 2:
        return 1013.0 + 5.0 * phase
    if quantity == 3:
        return 10.0 + 3.0 * phase
    return 100.0 - (step % 4000) / 80.0


def ensure_database(database_url: str, name: str) -> str:
    url = bench_url(database_url, name)
    admin_url = bench_url(database_url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is None:
            admin.execute(f'CREATE DATABASE "{name}"')
    migrate(url)
    return url


def existing(conn: psycopg.Connection, minimum: int) -> Dataset | None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_dataset (readings bigint NOT NULL, devices int NOT NULL,"
        " data_end timestamptz NOT NULL, member_key text NOT NULL, loaded_at timestamptz"
        " NOT NULL DEFAULT now())"
    )
    row = conn.execute(
        "SELECT readings, devices, data_end, member_key FROM bench_dataset "
        "ORDER BY loaded_at DESC LIMIT 1"
    ).fetchone()
    if row is None or row[0] < minimum:
        return None
    euis = [r[0] for r in conn.execute("SELECT dev_eui FROM devices ORDER BY id").fetchall()]
    return Dataset(
        readings=int(row[0]),
        devices=int(row[1]),
        end=row[2],
        key=str(row[3]),
        euis=euis,
        regions=[region_box(i) for i in range(REGIONS)],
        load_seconds=None,
    )


def load(
    conn: psycopg.Connection, url: str, devices: int, steps: int, log: Callable[[str], None]
) -> Dataset:
    """Replace whatever is in the bench database with a fresh data set ending now."""
    started = time.perf_counter()
    conn.execute(
        "TRUNCATE readings, readings_latest, readings_hourly_store, readings_daily_store, "
        "bench_dataset"
    )
    conn.execute("DELETE FROM devices")
    conn.execute("DELETE FROM api_keys")
    conn.execute("DELETE FROM organizations WHERE kind <> 'platform'")
    conn.execute("UPDATE rollup_state SET materialized_until = '-infinity'")
    org = conn.execute(
        "INSERT INTO organizations (name, kind) VALUES ('bench-farm', 'farm') RETURNING id"
    ).fetchone()
    assert org is not None
    key = create_api_key(conn, int(org[0]), "member", "bench")
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - steps * INTERVAL
    euis = [f"BE0C{n:012X}" for n in range(devices)]
    device_rows = []
    for n, eui in enumerate(euis):
        west, south, east, north = region_box(n % REGIONS)
        lat = south + (north - south) * ((n * 7919) % 1000) / 1000
        lon = west + (east - west) * ((n * 104729) % 1000) / 1000
        device_rows.append((eui, f"bench {n}", "dragino/lht65", int(org[0]), lat, lon, n % REGIONS))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO devices (dev_eui, name, type_id, organization_id, latitude, longitude,"
            " tags, last_seen_at) VALUES (%s, %s, %s, %s, %s, %s,"
            " jsonb_build_object('region', %s::int), now())",
            device_rows,
        )
    ids = [r[0] for r in conn.execute("SELECT id FROM devices ORDER BY id").fetchall()]
    qids = [
        int(r[0])
        for name in BENCH_QUANTITIES
        for r in conn.execute("SELECT id FROM quantities WHERE name = %s", (name,)).fetchall()
    ]
    assert len(qids) == len(BENCH_QUANTITIES)
    total = devices * steps * len(qids)
    log(f"loading {total} readings by binary COPY")
    written = 0
    for chunk in _batches(ids, qids, start, steps):
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY readings (time, device_id, quantity_id, channel, value, flagged) "
                "FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.write(chunk)
        written += (len(chunk) - len(COPY_HEADER) - len(COPY_TRAILER)) // ROW.size
        if written % 2_000_000 < BATCH_ROWS:
            log(f"  {written} rows, {written / (time.perf_counter() - started):.0f} rows/s")
    copy_seconds = time.perf_counter() - started
    log(f"copied {written} rows in {copy_seconds:.0f} s; readings_latest, analyze, rollups")
    conn.execute(
        """
        INSERT INTO readings_latest (device_id, quantity_id, channel, time, value, flagged)
        SELECT d.id, q.id, 0, l.time, l.value, l.flagged
        FROM devices d CROSS JOIN quantities q
        CROSS JOIN LATERAL (
            SELECT r.time, r.value, r.flagged FROM readings r
            WHERE r.device_id = d.id AND r.quantity_id = q.id AND r.channel = 0
            ORDER BY r.time DESC LIMIT 1) l
        """
    )
    conn.execute("VACUUM ANALYZE readings")
    conn.execute("VACUUM ANALYZE readings_latest")
    conn.execute("VACUUM ANALYZE devices")
    report = asyncio.run(_refresh(url))
    log(f"rollups refreshed in {report:.0f} s")
    conn.execute("VACUUM ANALYZE readings_hourly_store")
    conn.execute("VACUUM ANALYZE readings_daily_store")
    conn.execute(
        "INSERT INTO bench_dataset (readings, devices, data_end, member_key) VALUES (%s,%s,%s,%s)",
        (written, devices, end, key),
    )
    return Dataset(
        readings=written,
        devices=devices,
        end=end,
        key=key,
        euis=euis,
        regions=[region_box(i) for i in range(REGIONS)],
        load_seconds=round(time.perf_counter() - started, 1),
    )


async def _refresh(url: str) -> float:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        report = await refresh_rollups(conn, full=True)
    return report.seconds


def _batches(ids: list[int], qids: list[int], start: datetime, steps: int) -> Iterator[bytes]:
    """Binary COPY payloads of about BATCH_ROWS rows, in time order."""
    per_step = len(ids) * len(qids)
    steps_per_batch = max(1, BATCH_ROWS // per_step)
    base_us = int((start - PG_EPOCH).total_seconds()) * 1_000_000
    step_us = int(INTERVAL.total_seconds()) * 1_000_000
    phase_us = step_us // max(1, len(ids))
    pack = ROW.pack
    for first in range(0, steps, steps_per_batch):
        parts = [COPY_HEADER]
        for step in range(first, min(steps, first + steps_per_batch)):
            t_step = base_us + step * step_us
            for n, device_id in enumerate(ids):
                t = t_step + n * phase_us
                for qi, qid in enumerate(qids):
                    value = value_of(qi, n, step)
                    parts.append(pack(6, 8, t, 4, device_id, 2, qid, 2, 0, 8, value, 1, False))
        parts.append(COPY_TRAILER)
        yield b"".join(parts)


# --- measurement -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_api(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        SMARTREGION_DATABASE_URL=url,
        SMARTREGION_API_RATE_LIMIT="1000000/minute",
        SMARTREGION_ROLLUP_REFRESH_INTERVAL_S="0",
        SMARTREGION_API_POOL_MAX_SIZE="4",
        SMARTREGION_LOG_LEVEL="WARNING",
        SMARTREGION_API_ACCESS_LOG="false",
    )
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app_from_env"),
            *("--host", "127.0.0.1", "--port", str(port)),
            *("--log-level", "warning", "--no-access-log"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wait_ready(client: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited with {process.returncode}")
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the API did not become ready within 60 s")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def measure(
    client: httpx.Client, paths: Callable[[int], str], warmup: int, requests: int
) -> list[float]:
    for i in range(warmup):
        client.get(paths(i)).raise_for_status()
    timings = []
    for i in range(requests):
        started = time.perf_counter()
        response = client.get(paths(warmup + i))
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return timings


def run(
    database_url: str,
    *,
    database: str = "smartregion_bench",
    devices: int = 1000,
    steps: int = 4000,
    min_readings: int = 20_000_000,
    reload: bool = False,
    warmup: int = 20,
    requests: int = 200,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Load or reuse the data set, measure the four queries, return the figures."""
    url = ensure_database(database_url, database)
    with psycopg.connect(url, autocommit=True) as conn:
        dataset = None if reload else existing(conn, min(min_readings, devices * steps * 5))
        if dataset is None:
            dataset = load(conn, url, devices, steps, log)
        else:
            log(f"reusing {dataset.readings} readings in {database}")
    end = dataset.end
    iso = "%Y-%m-%dT%H:%M:%SZ"
    to = end.strftime(iso)
    from_30d = (end - timedelta(days=30)).strftime(iso)
    from_90d = (end - timedelta(days=90)).strftime(iso)
    euis = dataset.euis

    def region(i: int) -> str:
        return ",".join(str(v) for v in dataset.regions[i % len(dataset.regions)])

    queries: dict[str, Callable[[int], str]] = {
        "latest_all_devices": lambda _: f"/v1/devices/latest?limit={dataset.devices}",
        "device_30d_hourly": lambda i: (
            f"/v1/devices/{euis[(i * 37) % len(euis)]}/readings?quantity=air_temperature"
            f"&bucket=hour&agg=avg&from={from_30d}&to={to}&limit=100000"
        ),
        "region_90d_daily": lambda i: (
            f"/v1/readings/aggregate?quantity=air_temperature&bbox={region(i)}"
            f"&bucket=day&agg=avg&from={from_90d}&to={to}"
        ),
        "map_latest": lambda _: "/v1/readings/latest?quantity=air_temperature&limit=50000",
    }
    port = free_port()
    process = start_api(url, port)
    figures: dict[str, Any] = {"readings": dataset.readings}
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {dataset.key}"},
            timeout=60,
        ) as client:
            wait_ready(client, process)
            medians = {}
            for name, paths in queries.items():
                timings = measure(client, paths, warmup, requests)
                figures[f"{name}_p95_ms"] = round(p95(timings), 1)
                medians[f"{name}_median_ms"] = round(statistics.median(timings), 1)
                log(f"{name}: p95 {figures[f'{name}_p95_ms']} ms")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
    figures.update(medians)
    figures["requests_per_query"] = requests
    figures["devices"] = dataset.devices
    figures["load_seconds"] = dataset.load_seconds
    figures["goals_met"] = all(figures[k] <= v for k, v in GOALS_MS.items())
    return figures
