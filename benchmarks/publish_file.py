"""Publish every line of a file as one QoS 1 message and wait for every PUBACK.

Used by the ingest benchmark instead of `mosquitto_pub -l`, which drops what it has not
sent yet when its input ends (seen here: 34 470 of 100 000 arrived).
Usage: publish_file.py PORT TOPIC FILE [RATE]   (RATE messages/s; flat out when omitted)
"""

from __future__ import annotations

import sys
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def main() -> None:
    port, topic, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{port}-{time.time_ns()}"
    )
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = []
    started = time.monotonic()
    with open(path, "rb") as lines:
        for n, line in enumerate(lines, start=1):
            infos.append(client.publish(topic, line.rstrip(b"\n"), qos=1))
            if len(infos) % 20_000 == 0:  # packet ids are 16 bits: let acknowledgements catch up
                for info in infos[-20_000:]:
                    info.wait_for_publish(timeout=120)
            if rate and n % 50 == 0:
                ahead = started + n / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
    for info in infos:
        info.wait_for_publish(timeout=120)
    client.loop_stop()
    client.disconnect()
    missing = sum(1 for info in infos if not info.is_published())
    if missing:
        raise SystemExit(f"{missing} messages not acknowledged by the broker")


if __name__ == "__main__":
    main()
