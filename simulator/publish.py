"""Deliver simulated messages: to an MQTT broker (QoS 1, paced) or to a JSONL file."""

from __future__ import annotations

import base64
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from simulator.traffic import SimMessage


def bounded(
    messages: Iterable[SimMessage], count: int | None, duration_s: float | None
) -> Iterator[SimMessage]:
    """Stop after `count` messages or `duration_s` seconds, whichever comes first."""
    stream: Iterable[SimMessage] = messages
    if count is not None:
        stream = itertools.islice(stream, count)
    deadline = time.monotonic() + duration_s if duration_s is not None else None
    for message in stream:
        if deadline is not None and time.monotonic() >= deadline:
            return
        yield message


def to_jsonl(messages: Iterable[SimMessage], out: IO[str]) -> Counter[str]:
    """One `{"topic", "payload"}` per line; `payload_b64` for protobuf and malformed bodies."""
    counts: Counter[str] = Counter()
    for m in messages:
        line: dict[str, object] = {"topic": m.topic}
        try:
            line["payload"] = json.loads(m.payload)
        except (UnicodeDecodeError, json.JSONDecodeError):
            line["payload_b64"] = base64.b64encode(m.payload).decode()
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        counts[m.kind] += 1
    return counts


def to_file(messages: Iterable[SimMessage], path: Path) -> Counter[str]:
    with path.open("w", encoding="utf-8") as out:
        return to_jsonl(messages, out)


def to_mqtt(
    messages: Iterable[SimMessage],
    url: str,
    rate: float | None,
    client_id: str = "smartregion-simulator",
    on_progress: Callable[[int], None] | None = None,
) -> Counter[str]:
    """Publish with QoS 1 at `rate` messages/s (flat out when None); waits for every PUBACK."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"--mqtt-url must start with mqtt:// or mqtts://, got {url!r}")
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    if parts.scheme in ("mqtts", "ssl"):
        client.tls_set()
    tls = parts.scheme in ("mqtts", "ssl")
    client.connect(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883))
    client.loop_start()
    counts: Counter[str] = Counter()
    infos = []
    started = time.monotonic()
    try:
        for n, m in enumerate(messages, start=1):
            infos.append(client.publish(m.topic, m.payload, qos=1))
            counts[m.kind] += 1
            if rate:
                ahead = started + n / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            if on_progress and n % 100 == 0:
                on_progress(n)
            if len(infos) > 5000:
                for info in infos:
                    info.wait_for_publish(timeout=30)
                infos.clear()
        for info in infos:
            info.wait_for_publish(timeout=30)
    finally:
        client.loop_stop()
        client.disconnect()
    return counts
