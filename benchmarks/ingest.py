"""`smartregion bench ingest`: how fast the ingestor stores uplinks with ack after commit.

One run, one JSON object (DESIGN's contract):
- drain: a QoS 1 backlog of simulated TTN uplinks queued for the ingestor's persistent
  sessions of `smartregion ingest` (its workers), then drained into TimescaleDB;
- live: the simulator publishing at a target rate while the ingestor runs; p99 of
  receive-to-commit latency per message;
- copy: raw binary COPY of the same reading rows into a copy of the readings table;
- naive: paho-mqtt + json + one autocommit INSERT per reading, the script people write first;
- lost / duplicated: stored uplinks against what was published.
Everything runs on 127.0.0.1 in a scratch database and a private broker, removed afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.timeline import Timeline
from cli.localstack import start_mosquitto
from netserver import render
from simulator.fleet import build_fleet
from simulator.traffic import uplinks
from storage.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "v3/bench@ttn/devices/bench/up"
LIVE_TOPIC = "v3/bench-live@ttn/devices/bench/up"


@dataclass(frozen=True)
class Plan:
    admin_url: str
    uplinks: int = 100_000
    devices: int = 1000
    # offered above the 5 k/s goal: the measured rate (first arrival to last commit) sits a
    # little under the offered one even when the ingestor keeps up
    live_rate: float = 6000.0
    live_seconds: float = 20.0
    naive_uplinks: int = 1500
    # batch sizes for the drain and the live run; None = the ingestor's defaults, which is
    # what the figures describe unless asked otherwise
    batch_size: int | None = None
    live_batch_size: int | None = None
    workers: int = 2  # ingestor processes sharing the subscription (one per core)


def _db_url(admin_url: str, name: str) -> str:
    return f"{admin_url.rpartition('/')[0]}/{name}"


def backlog(count: int, devices: int, start: datetime, seed: int) -> tuple[list[bytes], set[str]]:
    """`count` distinct TTN uplinks (with version_ids) of the irmd fleet from `start` on."""
    fleet = build_fleet(devices, seed)
    bodies: list[bytes] = []
    euis: set[str] = set()
    for _, uplink in uplinks(fleet, start.timestamp()):
        bodies.append(render(uplink, "ttn-v3")[1])
        euis.add(uplink.dev_eui)
        if len(bodies) >= count:
            break
    return bodies, euis


def _publish_file(
    broker_port: int, bodies: Iterable[bytes], topic: str, rate: float | None = None
) -> subprocess.Popen[bytes]:
    """A separate publisher process (so it does not share the ingestor's GIL)."""
    path = Path(tempfile.mkstemp(prefix="smartregion-bench-", suffix=".lines")[1])
    with path.open("wb") as out:
        for body in bodies:
            out.write(body + b"\n")
    script = Path(__file__).with_name("publish_file.py")
    args = [sys.executable, str(script), str(broker_port), topic, str(path)]
    return subprocess.Popen([*args, str(rate)] if rate else args)


def publish_backlog(broker_port: int, bodies: Sequence[bytes], topic: str = TOPIC) -> int:
    """Queue the backlog, waiting for every PUBACK."""
    if _publish_file(broker_port, bodies, topic).wait(timeout=900) != 0:
        raise RuntimeError("publishing the backlog failed")
    return len(bodies)


def _uplink_counts(db_url: str, euis: set[str], since: datetime) -> tuple[int, int]:
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT (u.device_id, u.received_at)) FROM uplinks u "
            "JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = ANY(%s) "
            "AND u.received_at >= %s",
            (sorted(euis), since),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _run_ingest(
    env: dict[str, str], until: Callable[[], bool], log: Path, timeout: float = 600
) -> None:
    """`smartregion ingest` as an operator runs it, until `until()` holds; then SIGTERM."""
    workers = int(env.get("SMARTREGION_INGEST_WORKERS", "1"))
    before = log.read_text().count("subscribed") if log.exists() else 0
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "ingest"],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while log.read_text().count("subscribed") < before + workers:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ingest did not subscribe: {log.read_text()[-2000:]}")
            time.sleep(0.05)
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)


def _stored_rate(db_url: str, euis: set[str], since: datetime) -> float:
    """Uplinks per second between the first and the last commit (uplinks.stored_at)."""
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT count(*), extract(epoch FROM max(u.stored_at) - min(u.stored_at)) "
            "FROM uplinks u JOIN devices d ON d.id = u.device_id "
            "WHERE d.dev_eui = ANY(%s) AND u.received_at >= %s",
            (sorted(euis), since),
        ).fetchone()
    assert row is not None
    return float(row[0]) / max(float(row[1] or 0), 1e-9)


def copy_rate(db_url: str) -> tuple[float, int, float]:
    """Binary COPY of the stored reading rows into a twin of `readings`; rows/s."""
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT time, device_id, quantity_id, channel, value, flagged FROM readings"
        ).fetchall()
        uplinks = conn.execute("SELECT count(*) FROM uplinks").fetchone()
        conn.execute("CREATE TABLE copy_bench (LIKE readings INCLUDING ALL)")
        conn.execute(
            "SELECT create_hypertable('copy_bench', 'time', "
            "chunk_time_interval => interval '7 days')"
        )
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), 10_000):
                with cur.copy("COPY copy_bench FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["timestamptz", "int4", "int2", "int2", "float8", "bool"])
                    for row in rows[i : i + 10_000]:
                        copy.write_row(row)
                conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE copy_bench")
        conn.commit()
    readings_per_uplink = len(rows) / max(int(uplinks[0]) if uplinks else 1, 1)
    return len(rows) / elapsed, len(rows), readings_per_uplink


def naive_rate(db_url: str, broker_port: int, bodies: list[bytes]) -> float:
    """paho + json + one autocommit INSERT per reading, in a subprocess."""
    script = Path(__file__).with_name("naive_ingest.py")
    proc = subprocess.Popen(
        [sys.executable, str(script), db_url, str(broker_port), TOPIC, str(len(bodies))],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(1.5)  # subscribed
    publish_backlog(broker_port, bodies)
    out, _ = proc.communicate(timeout=900)
    return float(json.loads(out.strip().splitlines()[-1])["uplinks_per_s"])


def _live_run(
    env: dict[str, str],
    workers: int,
    workdir: Path,
    until: Callable[[], bool],
    publish: Callable[[], subprocess.Popen[bytes]],
    timeout: float,
) -> Timeline:
    """Live workers subscribed, then the publisher, until `until()`; their merged timeline."""
    workdir.mkdir()
    outs = [workdir / f"worker-{i}.json" for i in range(workers)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.live_worker", str(out)],
            cwd=ROOT,
            env={**env, "SMARTREGION_MQTT_CLIENT_ID": f"{env['SMARTREGION_MQTT_SHARE_GROUP']}-{i}"},
        )
        for i, out in enumerate(outs)
    ]
    publisher: subprocess.Popen[bytes] | None = None
    try:
        deadline = time.monotonic() + 60
        while not all(out.with_suffix(".ready").exists() for out in outs):
            if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                raise RuntimeError("a live worker did not subscribe")
            time.sleep(0.05)
        publisher = publish()
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=120)
        if publisher is not None:
            publisher.wait(timeout=300)
    return Timeline.merged(json.loads(out.read_text()) for out in outs)


def run_bench(plan: Plan) -> dict[str, Any]:
    name = f"smartregion_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plan.admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db_url = _db_url(plan.admin_url, name)
    workdir = Path(tempfile.mkdtemp(prefix="smartregion-bench-"))
    broker = start_mosquitto(workdir / "mosquitto")
    try:
        migrate(db_url)
        start = datetime.now(UTC) - timedelta(days=20)
        bodies, drain_euis = backlog(plan.uplinks, plan.devices, start, seed=11)

        # drain
        drain_env = {
            **os.environ,
            "SMARTREGION_DATABASE_URL": db_url,
            "SMARTREGION_MQTT_URL": broker.url,
            "SMARTREGION_MQTT_CLIENT_ID": f"bench-drain-{uuid.uuid4().hex[:6]}",
            "SMARTREGION_MQTT_TOPICS": TOPIC,
            **({} if plan.batch_size is None else {"SMARTREGION_BATCH_SIZE": str(plan.batch_size)}),
            "SMARTREGION_INGEST_WORKERS": str(plan.workers),
            "SMARTREGION_LOG_LEVEL": "INFO",  # "subscribed" tells when a worker is ready
        }
        ingest_log = workdir / "ingest.log"
        _run_ingest(drain_env, lambda: True, ingest_log)  # creates the persistent sessions
        published = publish_backlog(broker.port, bodies)
        del bodies
        _run_ingest(
            drain_env,
            lambda: _uplink_counts(db_url, drain_euis, start)[1] >= published,
            ingest_log,
        )
        stored, distinct = _uplink_counts(db_url, drain_euis, start)
        drain_rate = _stored_rate(db_url, drain_euis, start)

        # live: the simulator publishing at a target rate, the ingestor keeping up; as many
        # worker processes as the drain used (one per core), as an operator runs it
        live_count = int(plan.live_rate * plan.live_seconds)
        # the simulator's traffic of the last days, published at the target rate
        live_started = datetime.now(UTC) - timedelta(days=3)
        live_bodies, live_euis = backlog(live_count, plan.devices, live_started, seed=12)
        live_env = {
            **os.environ,
            "SMARTREGION_DATABASE_URL": db_url,
            "SMARTREGION_MQTT_URL": broker.url,
            "SMARTREGION_MQTT_TOPICS": LIVE_TOPIC,
            "SMARTREGION_MQTT_SHARE_GROUP": f"bench-live-{uuid.uuid4().hex[:6]}",
            **(
                {}
                if plan.live_batch_size is None
                else {"SMARTREGION_BATCH_SIZE": str(plan.live_batch_size)}
            ),
            "SMARTREGION_LOG_LEVEL": "WARNING",
        }
        live = _live_run(
            live_env, plan.workers, workdir / "live",
            until=lambda: _uplink_counts(db_url, live_euis, live_started)[1] >= live_count,
            publish=lambda: _publish_file(broker.port, live_bodies, LIVE_TOPIC, plan.live_rate),
            timeout=plan.live_seconds * 4 + 30,
        )  # fmt: skip
        live_stored, live_distinct = _uplink_counts(db_url, live_euis, live_started)

        copy_rows_per_s, _, readings_per_uplink = copy_rate(db_url)
        naive_bodies, _ = backlog(plan.naive_uplinks, 100, start - timedelta(days=5), seed=13)
        naive_uplinks_per_s = naive_rate(db_url, broker.port, naive_bodies)

        return {
            "drain_uplinks_per_s": round(drain_rate),
            "drain_uplinks": published,
            "drain_workers": plan.workers,
            "live_uplinks_per_s": round(live.rate()),
            "live_offered_per_s": plan.live_rate,
            "live_workers": plan.workers,
            "live_p99_commit_ms": round(live.p99_ms(), 1),
            "copy_rows_per_s": round(copy_rows_per_s),
            "readings_per_uplink": round(readings_per_uplink, 2),
            "naive_uplinks_per_s": round(naive_uplinks_per_s, 1),
            "ratio_to_copy": round(drain_rate * readings_per_uplink / copy_rows_per_s, 3),
            "ratio_to_naive": round(drain_rate / max(naive_uplinks_per_s, 1e-9), 1),
            "lost": (published - distinct) + (live_count - live_distinct),
            "duplicated": (stored - distinct) + (live_stored - live_distinct),
        }
    finally:
        broker.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(plan.admin_url, autocommit=True) as admin,
        ):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
