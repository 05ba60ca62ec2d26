"""Publish every line of a file as one QoS 1 message and wait for every PUBACK.

Usage: publish_file.py PORT TOPIC FILE [RATE]   (RATE messages/s; flat out when omitted)

The load generator of the ingest benchmark, in its own process so it does not share the
ingestor's GIL. It uses gmqtt (asyncio): on this machine kind paho's publish path topped out
near 3.8 k messages/s for a whole core, below the 6 k/s the live run offers, so the figure
measured the publisher instead of the ingestor; gmqtt queues the same messages at about
28 k/s. `mosquitto_pub -l` is no alternative: it drops what it has not sent yet when its
input ends (seen here: 34 470 of 100 000 arrived).
"""

from __future__ import annotations

import asyncio
import sys
import time

from gmqtt import Client
from gmqtt.storage import PersistentStorage

ACK_WINDOW = 20_000  # packet ids are 16 bits: let acknowledgements catch up this often
PACE_EVERY = 50  # messages between two looks at the clock when a rate is set


async def publish(port: int, topic: str, path: str, rate: float) -> int:
    """Publish the file's lines; the number published, once the broker acknowledged all."""
    unacknowledged = PersistentStorage()
    client = Client(f"bench-pub-{port}-{time.time_ns()}", persistent_storage=unacknowledged)
    await client.connect("127.0.0.1", port, version=4)
    started = time.monotonic()
    count = 0
    with open(path, "rb") as lines:
        for count, line in enumerate(lines, start=1):
            client.publish(topic, line.rstrip(b"\n"), qos=1)
            if count % ACK_WINDOW == 0:
                await asyncio.wait_for(unacknowledged.wait_empty(), timeout=120)
            if count % PACE_EVERY == 0:
                ahead = started + count / rate - time.monotonic() if rate else 0.0
                await asyncio.sleep(max(ahead, 0.0))  # also lets PUBACKs be read
    await asyncio.wait_for(unacknowledged.wait_empty(), timeout=120)
    await client.disconnect()
    return count


def main() -> None:
    port, topic, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    asyncio.run(publish(port, topic, path, rate))


if __name__ == "__main__":
    main()
