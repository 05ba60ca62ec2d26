"""Several ingestor processes on one machine, sharing one MQTT subscription.

The ingestor's Python work (parsing, decoding, building rows) is what bounds it: one
process keeps one core busy while PostgreSQL and the broker use a fraction of the other.
With `SMARTREGION_INGEST_WORKERS=N` the `ingest` command supervises N worker processes,
each with its own persistent session (`<client id>-<i>`) in one shared subscription
(`$share/<group>/…`), so the broker spreads messages over them. A worker that dies is
started again under the same client id, which gets its unacknowledged share back.
SIGTERM is passed on: every worker drains, then the supervisor exits.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

from ingestor.settings import IngestSettings

logger = logging.getLogger(__name__)


def worker_env(settings: IngestSettings, index: int) -> dict[str, str]:
    return {
        **os.environ,
        "SMARTREGION_INGEST_WORKERS": "1",
        "SMARTREGION_MQTT_SHARE_GROUP": settings.mqtt_share_group or settings.mqtt_client_id,
        "SMARTREGION_MQTT_CLIENT_ID": f"{settings.mqtt_client_id}-{index}",
    }


def supervise(settings: IngestSettings, command: Sequence[str] | None = None) -> int:
    """Run the workers until SIGTERM/SIGINT; returns the exit status."""
    command = list(command or [sys.executable, "-m", "cli.main", "ingest"])
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def start(index: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=worker_env(settings, index))

    workers = {i: start(i) for i in range(settings.ingest_workers)}
    logger.info("workers started", extra={"workers": settings.ingest_workers})
    while not stopping:
        time.sleep(0.2)
        for index, proc in list(workers.items()):
            code = proc.poll()
            if code is not None and not stopping:
                logger.warning(
                    "worker exited; starting it again", extra={"worker": index, "code": code}
                )
                time.sleep(1.0)
                workers[index] = start(index)
    for proc in workers.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    status = 0
    for index, proc in workers.items():
        try:
            code = proc.wait(timeout=settings.drain_timeout_s + 15)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        if code != 0:
            logger.error("worker did not drain cleanly", extra={"worker": index, "code": code})
            status = 1
    logger.info("workers drained")
    return status
