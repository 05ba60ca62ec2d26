"""Commit observations of a benchmark run: rate and receive-to-commit latency."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from ingestor.pipeline import Incoming


class Timeline:
    """Collects the ingestor's commits (its `on_commit` observer); mergeable across workers."""

    def __init__(self) -> None:
        self.committed = 0
        self.first_arrival: float | None = None
        self.last_commit = 0.0
        self.latencies: list[float] = []

    def __call__(self, items: Sequence[Incoming], committed: float) -> None:
        self.committed += len(items)
        first = min(i.arrived_monotonic for i in items)
        if self.first_arrival is None or first < self.first_arrival:
            self.first_arrival = first
        self.last_commit = max(self.last_commit, committed)
        self.latencies.extend(committed - i.arrived_monotonic for i in items)

    def rate(self) -> float:
        """Messages per second from the first arrival to the last commit."""
        if self.first_arrival is None or self.committed == 0:
            return 0.0
        return self.committed / max(self.last_commit - self.first_arrival, 1e-9)

    def p99_ms(self) -> float:
        if len(self.latencies) < 2:
            return 0.0
        # inclusive: interpolated within the observed latencies, never beyond the slowest
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[98] * 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "committed": self.committed,
            "first_arrival": self.first_arrival,
            "last_commit": self.last_commit,
            "latencies": self.latencies,
        }

    @classmethod
    def merged(cls, parts: Iterable[dict[str, Any]]) -> Timeline:
        """One timeline from several workers' `as_dict()` (their clocks are the same)."""
        merged = cls()
        for part in parts:
            merged.committed += part["committed"]
            first = part["first_arrival"]
            if first is not None and (merged.first_arrival is None or first < merged.first_arrival):
                merged.first_arrival = first
            merged.last_commit = max(merged.last_commit, part["last_commit"])
            merged.latencies.extend(part["latencies"])
        return merged
