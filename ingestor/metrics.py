"""Prometheus counters of the ingestor."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client import Counter as PromCounter


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.messages = PromCounter(
            "smartregion_ingest_messages", "Messages handled, by outcome", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.rows = PromCounter(
            "smartregion_ingest_rows", "Rows written, by table", ["table"], registry=self.registry
        )
        self.commit_seconds = Histogram(
            "smartregion_ingest_commit_seconds", "Batch write+commit latency",
            registry=self.registry,
        )  # fmt: skip
        self.retries = PromCounter(
            "smartregion_ingest_db_retries", "Batch writes retried after a database error",
            registry=self.registry,
        )  # fmt: skip

    def count(self, counts: Counter[str]) -> None:
        for outcome, n in counts.items():
            self.messages.labels(outcome=outcome).inc(n)
