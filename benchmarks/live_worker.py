"""One ingestor worker of the benchmark's live run, recording when each message committed.

    live_worker.py OUT.json      (configured by SMARTREGION_* like `smartregion ingest`)

The live run starts one of these per core, sharing one subscription as `smartregion ingest`
with SMARTREGION_INGEST_WORKERS does, so the live figure is the deployed capacity rather
than one process's. Each worker writes READY beside OUT once subscribed, runs until SIGTERM,
drains, and then writes its timeline to OUT. Arrival and commit times are CLOCK_MONOTONIC,
which is one clock for every process of the machine, so the parent can merge the timelines.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from benchmarks.timeline import Timeline
from ingestor.service import run, tune_gc
from ingestor.settings import IngestSettings


async def _work(settings: IngestSettings, ready_file: Path, timeline: Timeline) -> None:
    ready = asyncio.Event()
    task = asyncio.create_task(run(settings, ready=ready, on_commit=timeline))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if ready.is_set():
        ready_file.touch()
    else:
        waiter.cancel()
    await task


def main() -> None:
    out = Path(sys.argv[1])
    timeline = Timeline()
    tune_gc()  # as `smartregion ingest` does for its process
    asyncio.run(_work(IngestSettings(), out.with_suffix(".ready"), timeline))
    out.write_text(json.dumps(timeline.as_dict()))


if __name__ == "__main__":
    main()
