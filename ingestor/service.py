"""The ingestor's run loop: consume, batch, write, then acknowledge.

Delivery: QoS 1 with a persistent session; a message is acknowledged only after the
transaction holding its rows (or its dead letter) committed. The broker stops sending
once `receive_maximum` messages are unacknowledged, so when the database is away the
ingestor stops consuming and memory stays bounded; it retries with backoff and resumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import aiomqtt
import psycopg
from prometheus_client import start_http_server
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from ingestor import mqtt
from ingestor.metrics import Metrics
from ingestor.pipeline import Incoming, Parsed, build_batch, parse_one, sightings
from ingestor.settings import IngestSettings
from storage.pool import open_pool
from storage.registry import ensure_organization, load_quantity_ids, register_devices
from storage.rows import Batch, DeadLetterRow
from storage.writer import write_batch

logger = logging.getLogger(__name__)

TRANSIENT = (psycopg.OperationalError, PoolTimeout)


class Ingestor:
    """One consumer of one broker; several may share a `$share/` subscription."""

    def __init__(self, settings: IngestSettings, pool: AsyncConnectionPool) -> None:
        self.settings = settings
        self.pool = pool
        self.metrics = Metrics()
        self.queue: asyncio.Queue[Incoming] = asyncio.Queue()
        self.client: aiomqtt.Client | None = None
        self.generation = 0
        self.accepting = True
        self.flushed_final = asyncio.Event()
        self.organization_id: int | None = None
        self.quantity_ids: dict[str, int] = {}
        self.counts: Counter[str] = Counter()
        self.connected = asyncio.Event()

    # -- consuming -----------------------------------------------------------------
    async def consume(self, stop: asyncio.Event) -> None:
        """Stay connected and subscribed; reconnect with backoff. Ends after the final flush."""
        options = mqtt.BrokerOptions(
            url=self.settings.mqtt_url,
            client_id=self.settings.mqtt_client_id,
            protocol=self.settings.mqtt_protocol,
            receive_maximum=self.settings.mqtt_receive_maximum,
            session_expiry_s=self.settings.mqtt_session_expiry_s,
        )
        backoff = 0.5
        while not self.flushed_final.is_set():
            if stop.is_set() and self.client is None and self.generation == 0:
                return
            try:
                async with mqtt.make_client(options) as client:
                    self.generation += 1
                    self.client = client
                    for topic in self.settings.subscriptions():
                        await client.subscribe(topic, qos=1)
                    logger.info(
                        "subscribed",
                        extra={"topics": self.settings.subscriptions(), "host": options.url.host},
                    )
                    self.connected.set()
                    backoff = 0.5
                    reader = asyncio.create_task(self._read(client, self.generation))
                    final = asyncio.create_task(self.flushed_final.wait())
                    done, _ = await asyncio.wait(
                        {reader, final}, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in (reader, final):
                        task.cancel()
                    await asyncio.gather(reader, final, return_exceptions=True)
                    if reader in done and reader.exception() is not None:
                        raise reader.exception()  # type: ignore[misc]
            except aiomqtt.MqttError as exc:
                self.connected.clear()
                self.client = None
                if stop.is_set():
                    return  # nothing more can be acknowledged; the session keeps the rest
                logger.warning("broker connection lost; reconnecting", extra={"error": str(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
        self.client = None

    async def _read(self, client: aiomqtt.Client, generation: int) -> None:
        async for message in client.messages:
            if not self.accepting:
                continue  # draining: left unacknowledged, the broker redelivers it later
            payload = message.payload
            self.queue.put_nowait(
                Incoming(
                    topic=str(message.topic),
                    payload=payload if isinstance(payload, bytes) else str(payload).encode(),
                    mid=message.mid,
                    qos=message.qos,
                    generation=generation,
                    arrived_at=datetime.now(UTC),
                )
            )

    # -- writing ---------------------------------------------------------------------
    async def write(self, stop: asyncio.Event) -> None:
        """Collect batches and write them until stopped, then drain what was received."""
        last_report = time.monotonic()
        while True:
            items = await self._collect(stop)
            if items:
                deadline = None
                if stop.is_set():
                    deadline = time.monotonic() + self.settings.drain_timeout_s
                await self.flush(items, deadline)
            if stop.is_set():
                self.accepting = False
                if self.queue.empty():
                    break
            if time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                logger.info("ingest progress", extra={"counts": dict(self.counts)})
        logger.info("drained", extra={"counts": dict(self.counts)})
        self.flushed_final.set()

    async def _collect(self, stop: asyncio.Event) -> list[Incoming]:
        items: list[Incoming] = []
        try:
            async with asyncio.timeout(0.2):
                items.append(await self.queue.get())
        except TimeoutError:
            return items
        deadline = time.monotonic() + self.settings.batch_max_wait_s
        while len(items) < self.settings.batch_size:
            while not self.queue.empty() and len(items) < self.settings.batch_size:
                items.append(self.queue.get_nowait())
            remaining = deadline - time.monotonic()
            if len(items) >= self.settings.batch_size or remaining <= 0 or stop.is_set():
                break
            try:
                async with asyncio.timeout(remaining):
                    items.append(await self.queue.get())
            except TimeoutError:
                break
        return items

    async def flush(self, items: Sequence[Incoming], deadline: float | None = None) -> bool:
        """Write one batch, retrying while the database is away; ack on commit."""
        parsed = [parse_one(i) for i in items]
        backoff = 0.2
        while True:
            started = time.monotonic()
            try:
                counts = await self._write(parsed)
                break
            except TRANSIENT as exc:
                self.metrics.retries.inc()
                if deadline is not None and time.monotonic() + backoff > deadline:
                    logger.error("giving up on a batch while draining; it stays unacknowledged")
                    return False
                logger.warning(
                    "database unavailable; batch kept, retrying",
                    extra={"error": type(exc).__name__, "retry_in_s": backoff},
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 15.0)
            except psycopg.Error as exc:
                logger.warning(
                    "batch rejected by the database; writing one message at a time",
                    extra={"error": f"{exc.sqlstate}: {exc}"},
                )
                counts = await self._write_singly(parsed)
                break
        self.metrics.commit_seconds.observe(time.monotonic() - started)
        self.metrics.count(counts)
        self.counts.update(counts)
        self._ack(items)
        return True

    async def _write(self, parsed: Sequence[Parsed]) -> Counter[str]:
        counts: Counter[str] = Counter()
        async with self.pool.connection() as conn, conn.transaction():
            if self.organization_id is None:
                self.organization_id = await ensure_organization(
                    conn, self.settings.default_organization
                )
                self.quantity_ids = await load_quantity_ids(conn)
            devices = await register_devices(conn, sightings(parsed), self.organization_id)
            batch = build_batch(parsed, devices, self.quantity_ids, counts)
            result = await write_batch(
                conn, batch, devices, self.quantity_ids, self.organization_id
            )
        counts["uplink_duplicate"] += result.uplinks_duplicate
        self.metrics.rows.labels(table="uplinks").inc(result.uplinks_new)
        self.metrics.rows.labels(table="readings").inc(result.readings)
        self.metrics.rows.labels(table="receptions").inc(result.receptions)
        return counts

    async def _write_singly(self, parsed: Sequence[Parsed]) -> Counter[str]:
        """Isolate the message the database refuses; it becomes a dead letter, the rest land."""
        counts: Counter[str] = Counter()
        for p in parsed:
            try:
                counts.update(await self._write([p]))
            except TRANSIENT:
                raise
            except psycopg.Error as exc:
                reason = f"storage rejected: {exc.sqlstate}: {str(exc).splitlines()[0]}"
                async with self.pool.connection() as conn, conn.transaction():
                    assert self.organization_id is not None
                    await write_batch(
                        conn,
                        Batch(
                            dead_letters=[
                                DeadLetterRow(p.incoming.topic, p.incoming.payload, reason)
                            ]
                        ),
                        {},
                        self.quantity_ids,
                        self.organization_id,
                    )
                counts["dead_letter"] += 1
        return counts

    def _ack(self, items: Sequence[Incoming]) -> None:
        client = self.client
        if client is None:
            return  # connection gone: the broker redelivers; the rows are already there
        for item in items:
            if item.generation == self.generation:
                mqtt.ack(client, item.mid, item.qos)


async def run(
    settings: IngestSettings,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
) -> Counter[str]:
    """Run until SIGTERM/SIGINT (or `stop`), then drain: stop taking, flush, ack, disconnect.

    `ready` is set once the first subscription is in place.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    ingestor_metrics_port = settings.metrics_port
    async with open_pool(
        settings.database_url.get_secret_value(), min_size=1, max_size=2, name="ingest"
    ) as pool:
        ingestor = Ingestor(settings, pool)
        if ready is not None:
            ingestor.connected = ready
        if ingestor_metrics_port:
            start_http_server(
                ingestor_metrics_port, addr="127.0.0.1", registry=ingestor.metrics.registry
            )
        async with asyncio.TaskGroup() as group:
            group.create_task(ingestor.consume(stop))
            group.create_task(ingestor.write(stop))
    return ingestor.counts
