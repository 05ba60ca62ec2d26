"""The ingestor's run loop: consume, batch, write, then acknowledge.

Delivery: QoS 1 with a persistent session; a message is acknowledged only after the
transaction holding its rows (or its dead letter) committed. The broker stops sending
once `receive_maximum` messages are unacknowledged, so when the database is away the
ingestor stops consuming and memory stays bounded; it retries with backoff and resumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import psycopg
from prometheus_client import start_http_server
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from ingestor.devices import DeviceCache
from ingestor.gapfill import StorageApi, fill_gaps
from ingestor.inbox import Inbox
from ingestor.metrics import Metrics
from ingestor.mqtt import BrokerOptions, Consumer
from ingestor.pipeline import Incoming, Parsed, build_batch, mentioned, parse_one, sightings
from ingestor.settings import IngestSettings
from storage.pool import open_pool
from storage.registry import (
    ensure_organization,
    load_quantity_ids,
    newest_uplink_of_application,
    register_devices,
)
from storage.rows import Batch, DeadLetterRow, GatewayKey
from storage.writer import write_batch

logger = logging.getLogger(__name__)

TRANSIENT = (psycopg.OperationalError, PoolTimeout)
GC_INTERVAL_S = 30.0  # progress log, and a full collection when tune_gc turned it off
CommitObserver = Callable[[Sequence[Incoming], float], None]


class Ingestor:
    """One consumer of one broker; several may share a `$share/` subscription."""

    def __init__(
        self,
        settings: IngestSettings,
        pool: AsyncConnectionPool,
        on_commit: CommitObserver | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.metrics = Metrics()
        self.inbox: Inbox[Incoming] = Inbox()
        self.consumer = Consumer(
            BrokerOptions(
                url=settings.mqtt_url,
                client_id=settings.mqtt_client_id,
                topics=tuple(settings.subscriptions()),
                protocol=settings.mqtt_protocol,
                receive_maximum=settings.receive_maximum(),
                session_expiry_s=settings.mqtt_session_expiry_s,
            ),
            self._receive,
            on_reconnect=self._reconnected,
        )
        self.metrics.track_backlog(self.inbox.__len__)
        self.on_commit = on_commit
        self.organization_id: int | None = None
        self.quantity_ids: dict[str, int] = {}
        self.counts: Counter[str] = Counter()
        self.gapfill: asyncio.Task[int] | None = None
        self.devices = DeviceCache(settings.device_cache_ttl_s)
        # ids of registered gateways; forgotten now and then, since a deleted gateway
        # heard again is registered anew under another id
        self.gateways: dict[GatewayKey, int] = {}
        self.gateways_since = time.monotonic()
        self.inflight = max(1, pool.max_size)

    def _receive(self, item: Incoming) -> None:
        self.inbox.put(item)  # counted in `received` when batched (one call per batch)

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Connect, then write batches until `stop`; drain, acknowledge and disconnect."""
        if not await self.consumer.connect(stop):
            return
        self.fill_gaps()
        if ready is not None:
            ready.set()
        try:
            await self.write(stop)
        finally:
            if self.gapfill is not None:
                self.gapfill.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.gapfill
            await self.consumer.disconnect()

    def _reconnected(self) -> None:
        self.metrics.reconnects.inc()
        self.fill_gaps()

    def fill_gaps(self) -> None:
        """After every (re)connect, fetch what TTN's storage integration holds that we missed."""
        s = self.settings
        if s.ttn_api_url is None or s.ttn_api_key is None:
            return
        if self.gapfill is not None and not self.gapfill.done():
            return
        api = StorageApi(
            str(s.ttn_api_url),
            s.ttn_api_key.get_secret_value(),
            max_age=timedelta(hours=s.ttn_gapfill_max_hours),
        )
        self.gapfill = asyncio.create_task(
            fill_gaps(api, s.gapfill_applications(), self._newest, self._receive)
        )

    async def _newest(self, application_id: str) -> datetime | None:
        async with self.pool.connection() as conn:
            return await newest_uplink_of_application(conn, application_id)

    async def write(self, stop: asyncio.Event) -> None:
        """Collect batches and write them until stopped, then drain what was received.

        Up to `inflight` batches are being written at once, each in its own transaction,
        so parsing and decoding the next batch overlaps the database's work on the
        previous one (the two run on different cores). Acknowledgements still go out in
        receive order: a batch is acknowledged only when it and every earlier batch
        committed.
        """
        last_report = time.monotonic()
        pending: deque[tuple[list[Incoming], asyncio.Task[float | None]]] = deque()
        try:
            while True:
                items = await self._collect(stop)
                if items:
                    deadline = None
                    if stop.is_set():
                        deadline = time.monotonic() + self.settings.drain_timeout_s
                    pending.append((items, asyncio.create_task(self.commit(items, deadline))))
                while pending and (pending[0][1].done() or len(pending) >= self.inflight):
                    done_items, task = pending.popleft()
                    committed = await task
                    if committed is not None:
                        self._acknowledge(done_items, committed)
                if stop.is_set():
                    self.consumer.accepting = False
                    if not self.inbox and not pending:
                        break
                if time.monotonic() - last_report > GC_INTERVAL_S:
                    last_report = time.monotonic()
                    if not gc.isenabled():  # tune_gc: cycles are collected here instead
                        gc.collect()
                    logger.info("ingest progress", extra={"counts": dict(self.counts)})
        finally:
            for _, task in pending:
                task.cancel()
        logger.info("drained", extra={"counts": dict(self.counts)})

    async def _collect(self, stop: asyncio.Event) -> list[Incoming]:
        """A batch: what has arrived, topped up until it is full or `batch_max_wait_s` passed."""
        if not await self.inbox.wait(0.2):
            return []
        size = self.settings.batch_size
        items = self.inbox.take(size)
        deadline = time.monotonic() + self.settings.batch_max_wait_s
        while len(items) < size and not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not await self.inbox.wait(remaining):
                break
            items += self.inbox.take(size - len(items))
        self.metrics.received.inc(len(items))
        return items

    async def commit(
        self, items: Sequence[Incoming], deadline: float | None = None
    ) -> float | None:
        """Write one batch, retrying while the database is away; the commit time, or None
        when the drain deadline passed first (the batch then stays unacknowledged)."""
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
                    return None
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
        committed = time.monotonic()
        self.metrics.batches.inc()
        self.metrics.commit_seconds.observe(committed - started)
        self.metrics.count(counts)
        self.counts.update(counts)
        return committed

    def _acknowledge(self, items: Sequence[Incoming], committed: float) -> None:
        for item in items:
            self.metrics.receive_to_commit_seconds.observe(committed - item.arrived_monotonic)
        acked = self.consumer.ack_all(items)
        if acked < len(items):
            self.counts["unacknowledged_after_reconnect"] += len(items) - acked
        if self.on_commit is not None:
            self.on_commit(items, committed)

    async def _write(self, parsed: Sequence[Parsed]) -> Counter[str]:
        counts: Counter[str] = Counter()
        async with self.pool.connection() as conn, conn.transaction():
            if self.organization_id is None:
                self.organization_id = await ensure_organization(
                    conn, self.settings.default_organization
                )
                self.quantity_ids = await load_quantity_ids(conn)
            devices, missing = self.devices.split(mentioned(parsed))
            fetched = await register_devices(
                conn, sightings(parsed, missing) if missing else (), self.organization_id
            )
            devices.update(fetched)
            batch = build_batch(parsed, devices, self.quantity_ids, counts)
            result = await write_batch(
                conn, batch, devices, self.quantity_ids, self.organization_id, self.gateways
            )
        self.devices.store(fetched)  # committed: the ids exist
        if time.monotonic() - self.gateways_since > self.settings.device_cache_ttl_s * 5:
            self.gateways.clear()
            self.gateways_since = time.monotonic()
        self.gateways.update(result.gateways)
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
                dead = DeadLetterRow(p.incoming.topic, p.incoming.payload, reason)
                async with self.pool.connection() as conn, conn.transaction():
                    assert self.organization_id is not None
                    await write_batch(
                        conn, Batch(dead_letters=[dead]), {}, self.quantity_ids,
                        self.organization_id,
                    )  # fmt: skip
                counts["dead_letter"] += 1
        return counts


def tune_gc() -> None:
    """Take the cyclic garbage collector off the ingest path.

    Every uplink allocates a few hundred short-lived objects; with the default gen-0
    threshold (700) the collector ran every few uplinks and, now and then, walked the
    whole heap (modules, pydantic schemas, the device cache): about a quarter of the
    ingestor's CPU, and still 3 us per uplink with a 50 000 threshold, since a batch in
    flight is hundreds of thousands of young objects. Reference counting frees what the
    hot path makes (it makes no cycles), so automatic collection is turned off, what is
    alive at start-up is frozen out of it, and `Ingestor.write` collects every
    `GC_INTERVAL_S` instead, so that cycles from rare paths (errors, reconnects) never
    pile up. It changes the whole process, so the `ingest` command calls it, not `run`.
    """
    gc.collect()
    gc.freeze()
    gc.disable()


async def run(
    settings: IngestSettings,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    on_commit: CommitObserver | None = None,
) -> Counter[str]:
    """Run until SIGTERM/SIGINT (or `stop`), then drain: stop taking, flush, ack, disconnect.

    `ready` is set once the subscription is in place; `on_commit` sees every committed
    batch with its commit time (benchmarks measure latency with it).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    async with open_pool(
        settings.database_url.get_secret_value(),
        min_size=1,
        max_size=settings.batches_in_flight,
        name="ingest",
    ) as pool:
        ingestor = Ingestor(settings, pool, on_commit)
        if settings.metrics_port:
            start_http_server(
                settings.metrics_port, addr="127.0.0.1", registry=ingestor.metrics.registry
            )
        await ingestor.run(stop, ready)
    return ingestor.counts
