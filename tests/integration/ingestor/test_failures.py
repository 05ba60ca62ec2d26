"""Nothing lost, nothing twice: the database going away, the ingestor being killed."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from cli.localstack import free_port
from netserver import Uplink, render
from tests.fixtures.broker import Broker
from tests.fixtures.ingest import apublish, publish, running_ingestor, scalar, wait_for
from tests.fixtures.tcp_proxy import ProxyProcess

pytestmark = pytest.mark.integration


def child_pids(parent: int) -> list[str]:
    """Processes whose parent is `parent`, from /proc (no procps needed)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(stat.parent.name)
    return found


def batch_of_uplinks(n: int, app: str) -> tuple[list[str], list[tuple[str, bytes]]]:
    euis = [f"{random.getrandbits(64):016X}" for _ in range(n)]
    base = datetime.now(UTC)
    messages = [
        render(
            Uplink(
                source="ttn-v3",
                dev_eui=eui,
                received_at=base + timedelta(milliseconds=i),
                payload=bytes([i % 256]),
                f_port=7,
                f_cnt=i,
                application_id=app,
            ),
            "ttn-v3",
        )
        for i, eui in enumerate(euis)
    ]
    return euis, messages


def stored(db: psycopg.Connection, euis: list[str]) -> int:
    return int(
        scalar(
            db,
            "SELECT count(*) FROM uplinks u JOIN devices d ON d.id = u.device_id "
            "WHERE d.dev_eui = ANY(%s)",
            (euis,),
        )
    )


async def test_database_outage_loses_nothing(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    target = urlsplit(database_url)
    proxy = ProxyProcess(free_port(), target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    proxied_url = database_url.replace(f":{target.port}/", f":{proxy.port}/")
    app = f"outage-{uuid.uuid4().hex[:6]}"
    before, before_msgs = batch_of_uplinks(20, app)
    during, during_msgs = batch_of_uplinks(40, app)
    try:
        async with running_ingestor(proxied_url, broker.url):
            await apublish(broker.url, before_msgs)
            await wait_for(lambda: stored(db, before) == 20, what="uplinks before the outage")

            proxy.kill()  # the database is away
            await apublish(broker.url, during_msgs)
            await asyncio.sleep(2.0)
            assert stored(db, during) == 0  # nothing could be written, nor acknowledged

            proxy.start()  # back on the same port
            await wait_for(
                lambda: stored(db, during) == 40, timeout=60, what="uplinks after the outage"
            )
    finally:
        proxy.kill()
    assert stored(db, before) == 20
    assert stored(db, during) == 40


def test_killed_ingestor_loses_nothing_and_duplicates_nothing(
    database_url: str, broker: Broker, db: psycopg.Connection, tmp_path: Path
) -> None:
    """SIGKILL mid-stream: unacknowledged messages come back and land exactly once."""
    env = {
        **os.environ,
        "SMARTREGION_DATABASE_URL": database_url,
        "SMARTREGION_MQTT_URL": broker.url,
        "SMARTREGION_MQTT_CLIENT_ID": f"crash-{uuid.uuid4().hex[:6]}",
        "SMARTREGION_BATCH_SIZE": "50",
    }
    log = tmp_path / "ingest.log"

    def start() -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "ingest"], env=env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 20
        while log.read_text().count("subscribed") < starts + 1:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        return proc

    starts = 0
    proc = start()
    starts += 1
    euis, messages = batch_of_uplinks(3000, f"crash-{uuid.uuid4().hex[:6]}")
    publisher = threading.Thread(target=publish, args=(broker.url, messages))
    publisher.start()
    deadline = time.monotonic() + 20
    while stored(db, euis) < 100 and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)  # no drain, no goodbye
    proc.wait(timeout=10)
    publisher.join(timeout=60)
    partial = stored(db, euis)
    assert 0 < partial < len(euis)  # killed mid-stream, with work done and work left

    proc = start()
    try:
        deadline = time.monotonic() + 60
        while stored(db, euis) < len(euis) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored(db, euis) == len(euis)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


async def test_broker_restart_is_survived(
    database_url: str, db: psycopg.Connection, tmp_path: Path
) -> None:
    """A restarted broker keeps the persistent session; the ingestor reconnects by itself."""
    from cli.localstack import start_mosquitto

    broker = start_mosquitto(tmp_path / "mqtt")
    app = f"restart-{uuid.uuid4().hex[:6]}"
    before, before_msgs = batch_of_uplinks(50, app)
    while_down, while_down_msgs = batch_of_uplinks(50, app)
    try:
        async with running_ingestor(database_url, broker.url) as task:
            await apublish(broker.url, before_msgs)
            await wait_for(lambda: stored(db, before) == 50, what="uplinks before the restart")
            broker.stop()  # clean shutdown: mosquitto saves its sessions
            broker = start_mosquitto(tmp_path / "mqtt", port=broker.port)
            await apublish(broker.url, while_down_msgs)
            await wait_for(
                lambda: stored(db, while_down) == 50, timeout=60, what="uplinks after the restart"
            )
        assert task.result()["uplink_decoded"] + task.result()["uplink_raw"] >= 100
    finally:
        broker.stop()
    assert stored(db, before) == 50 and stored(db, while_down) == 50


def test_three_ingestors_share_one_subscription_one_killed(
    database_url: str, broker: Broker, db: psycopg.Connection, tmp_path: Path
) -> None:
    """`$share/<group>/…`: the load is split, and a killed member's messages come back."""
    group = f"g{uuid.uuid4().hex[:6]}"
    base_env = {
        **os.environ,
        "SMARTREGION_DATABASE_URL": database_url,
        "SMARTREGION_MQTT_URL": broker.url,
        "SMARTREGION_MQTT_SHARE_GROUP": group,
        "SMARTREGION_BATCH_SIZE": "100",
    }

    def start(name: str) -> subprocess.Popen[bytes]:
        log = tmp_path / f"{name}.log"
        before = log.read_text().count("subscribed") if log.exists() else 0
        env = {**base_env, "SMARTREGION_MQTT_CLIENT_ID": f"{group}-{name}"}
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "ingest"], env=env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 20
        while log.read_text().count("subscribed") <= before:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        return proc

    procs = {name: start(name) for name in ("a", "b", "c")}
    euis, messages = batch_of_uplinks(3000, f"share-{group}")
    publisher = threading.Thread(target=publish, args=(broker.url, messages))
    publisher.start()
    deadline = time.monotonic() + 20
    while stored(db, euis) < 300 and time.monotonic() < deadline:
        time.sleep(0.005)
    procs["b"].send_signal(signal.SIGKILL)
    procs["b"].wait(timeout=10)
    publisher.join(timeout=60)
    procs["b"] = start("b")  # back with its session: its unacknowledged share returns
    try:
        deadline = time.monotonic() + 60
        while stored(db, euis) < len(euis) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored(db, euis) == len(euis)
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            assert proc.wait(timeout=30) == 0
    worked = [
        name
        for name in ("a", "c")
        if "uplink_raw" in (tmp_path / f"{name}.log").read_text().split("drained")[-1]
    ]
    assert len(worked) == 2, "both surviving members took a share"


def test_ingest_workers_share_the_load_and_a_killed_worker_is_restarted(
    database_url: str, broker: Broker, db: psycopg.Connection, tmp_path: Path
) -> None:
    """`SMARTREGION_INGEST_WORKERS=2`: two processes, one subscription, nothing twice."""
    env = {
        **os.environ,
        "SMARTREGION_DATABASE_URL": database_url,
        "SMARTREGION_MQTT_URL": broker.url,
        "SMARTREGION_MQTT_CLIENT_ID": f"w{uuid.uuid4().hex[:6]}",
        "SMARTREGION_INGEST_WORKERS": "2",
        "SMARTREGION_BATCH_SIZE": "100",
    }
    log = tmp_path / "ingest.log"
    with log.open("ab") as out:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "ingest"], env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 30
        while log.read_text().count("subscribed") < 2:
            assert supervisor.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        children = child_pids(supervisor.pid)
        assert len(children) == 2
        euis, messages = batch_of_uplinks(3000, f"workers-{uuid.uuid4().hex[:6]}")
        publisher = threading.Thread(target=publish, args=(broker.url, messages))
        publisher.start()
        while stored(db, euis) < 300 and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(int(children[0]), signal.SIGKILL)  # the supervisor starts it again
        publisher.join(timeout=60)
        deadline = time.monotonic() + 60
        while stored(db, euis) < len(euis) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored(db, euis) == len(euis)
        assert "starting it again" in log.read_text()
    finally:
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0, log.read_text()[-3000:]
    drained = [part for part in log.read_text().split("drained")[1:] if "uplink_raw" in part[:400]]
    assert len(drained) >= 2, "both workers took a share"
