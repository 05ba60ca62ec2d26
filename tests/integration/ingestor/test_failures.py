"""Nothing lost, nothing twice: the database going away, the ingestor being killed."""

from __future__ import annotations

import asyncio
import contextlib
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

from netserver import Uplink, render
from tests.fixtures.broker import Broker
from tests.fixtures.ingest import apublish, publish, running_ingestor, scalar, wait_for

pytestmark = pytest.mark.integration


class TcpProxy:
    """A loopback TCP proxy that can be cut and restored, standing in for a network outage."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        for task in list(self.pipes):
            task.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                with contextlib.suppress(Exception):
                    dst.close()

        for task in (
            asyncio.create_task(pump(reader, up_writer)),
            asyncio.create_task(pump(up_reader, writer)),
        ):
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)


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
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    proxied_url = database_url.replace(f":{target.port}/", f":{proxy.port}/")
    app = f"outage-{uuid.uuid4().hex[:6]}"
    before, before_msgs = batch_of_uplinks(20, app)
    during, during_msgs = batch_of_uplinks(40, app)
    async with running_ingestor(proxied_url, broker.url):
        await apublish(broker.url, before_msgs)
        await wait_for(lambda: stored(db, before) == 20, what="uplinks before the outage")

        await proxy.cut()  # the database is away
        await apublish(broker.url, during_msgs)
        await asyncio.sleep(2.0)
        assert stored(db, during) == 0  # nothing could be written, and nothing was acknowledged

        await proxy.start()  # back on the same port
        await wait_for(
            lambda: stored(db, during) == 40, timeout=60, what="uplinks after the outage"
        )
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
