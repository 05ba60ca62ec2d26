"""Prometheus metrics of the ingestor (exposed on SMARTREGION_METRICS_PORT when set)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Gauge, Histogram
from prometheus_client import Counter as PromCounter

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def outcome_label(outcome: str) -> str:
    """Skip reasons are free text; keep the label set small and stable."""
    if outcome.startswith("skipped: "):
        return "skipped_" + re.sub(r"[^a-z0-9]+", "_", outcome[9:].split(" ")[0].lower())
    return outcome


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.received = PromCounter(
            "smartregion_ingest_received", "MQTT messages received", registry=r
        )
        self.messages = PromCounter(
            "smartregion_ingest_messages",
            "Messages handled, by outcome (decoded, raw, dead_letter, duplicate, ...)",
            ["outcome"],
            registry=r,
        )
        self.rows = PromCounter(
            "smartregion_ingest_rows", "Rows written, by table", ["table"], registry=r
        )
        self.batches = PromCounter("smartregion_ingest_batches", "Batches committed", registry=r)
        self.commit_seconds = Histogram(
            "smartregion_ingest_commit_seconds", "Batch write and commit time",
            buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.receive_to_commit_seconds = Histogram(
            "smartregion_ingest_receive_to_commit_seconds",
            "Per message: from arrival at the ingestor to the commit of its batch",
            buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.retries = PromCounter(
            "smartregion_ingest_db_retries", "Batch writes retried after a database error",
            registry=r,
        )  # fmt: skip
        self.reconnects = PromCounter(
            "smartregion_ingest_reconnects", "Broker reconnections", registry=r
        )
        self.backlog = Gauge(
            "smartregion_ingest_backlog", "Messages received and not yet committed", registry=r
        )

    def track_backlog(self, size: Callable[[], int]) -> None:
        self.backlog.set_function(size)

    def count(self, counts: Counter[str]) -> None:
        for outcome, n in counts.items():
            self.messages.labels(outcome=outcome_label(outcome)).inc(n)
