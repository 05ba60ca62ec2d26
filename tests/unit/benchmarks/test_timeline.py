"""The live benchmark merges its workers' timelines; the merged figures must be the whole run's."""

from __future__ import annotations

import json

import pytest

from benchmarks.timeline import Timeline
from ingestor.pipeline import Incoming


def _batch(*arrivals: float) -> list[Incoming]:
    return [Incoming("t", b"", arrived_monotonic=a) for a in arrivals]


def test_merged_timeline_spans_every_worker() -> None:
    first, second = Timeline(), Timeline()
    first(_batch(10.0, 10.5), committed=11.0)
    second(_batch(9.0), committed=12.0)
    second(_batch(11.5, 11.9), committed=13.0)
    # through JSON, as the worker processes hand them over
    merged = Timeline.merged(json.loads(json.dumps(t.as_dict())) for t in (first, second))
    assert merged.committed == 5
    assert merged.first_arrival == 9.0
    assert merged.last_commit == 13.0
    assert merged.rate() == pytest.approx(5 / (13.0 - 9.0))
    assert sorted(merged.latencies) == pytest.approx([0.5, 1.0, 1.1, 1.5, 3.0])
    # between the two slowest (1.5 s, 3.0 s), 96 % of the way, and never above the slowest
    assert merged.p99_ms() == pytest.approx(2940.0)


def test_a_worker_that_committed_nothing_does_not_move_the_window() -> None:
    busy, idle = Timeline(), Timeline()
    busy(_batch(5.0, 5.0), committed=6.0)
    merged = Timeline.merged([busy.as_dict(), idle.as_dict()])
    assert (merged.committed, merged.first_arrival, merged.last_commit) == (2, 5.0, 6.0)
    assert merged.rate() == pytest.approx(2.0)
