"""Deliver simulated messages: pacing, a progress bar, a JSONL file or an MQTT broker (QoS 1)."""

from __future__ import annotations

import base64
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from simulator.traffic import SimMessage

Sleep = Callable[[float], None]
Clock = Callable[[], float]


def bounded(
    messages: Iterable[SimMessage],
    count: int | None,
    duration_s: float | None,
    clock: Clock = time.monotonic,
) -> Iterator[SimMessage]:
    """Stop after `count` messages or `duration_s` wall-clock seconds, whichever comes first."""
    stream: Iterable[SimMessage] = messages
    if count is not None:
        stream = itertools.islice(stream, count)
    deadline = clock() + duration_s if duration_s is not None else None
    for message in stream:
        if deadline is not None and clock() >= deadline:
            return
        yield message


def paced(
    messages: Iterable[SimMessage],
    *,
    rate: float | None = None,
    speed: float | None = None,
    origin: float | None = None,
    clock: Clock = time.time,
    sleep: Sleep = time.sleep,
) -> Iterator[SimMessage]:
    """Release messages at `rate` per second, or at `speed` times real time.

    With `speed`, a message is released when wall-clock time reaches
    `origin + (deliver_at - origin) / speed`: history before `origin` (a backfill) goes out
    at once, speed 1 publishes every uplink at its scheduled time (real time). Messages of
    one burst share a `deliver_at` and leave together. Neither: as fast as possible.
    """
    if not rate and not speed:
        yield from messages
        return
    wall_start = clock()
    sim_start = origin if origin is not None else wall_start
    for n, message in enumerate(messages):
        if rate:
            due = wall_start + n / rate
        else:
            assert speed is not None
            due = wall_start + max(message.deliver_at - sim_start, 0.0) / speed
        ahead = due - clock()
        if ahead > 0:
            sleep(ahead)
        yield message


class Progress:
    """A progress bar on stderr (rich) on a terminal; a line per 10 % elsewhere."""

    def __init__(self, total: int | None, label: str, enabled: bool = True) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self._next_note = 0.1
        self._bar = None
        self._task = None
        self._started = time.monotonic()
        self.enabled = enabled
        if enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} msg/s"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._bar.add_task(label, total=total, rate="-")
            self._bar.start()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self._started, 1e-9)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=n, rate=f"{self.done / elapsed:,.0f}")
        elif self.total and self.done >= self._next_note * self.total:
            sys.stderr.write(
                f"{self.label}: {self.done}/{self.total} messages "
                f"({self.done / elapsed:,.0f} msg/s)\n"
            )
            sys.stderr.flush()
            self._next_note += 0.1

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()


def _line(m: SimMessage) -> str:
    """`{"topic", "payload"}`, or `payload_b64` for protobuf and deliberately broken bodies."""
    topic = json.dumps(m.topic, ensure_ascii=False)
    if m.kind != "malformed" and m.payload[:1] == b"{":
        try:
            text = m.payload.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if text:  # the body is the network server's compact JSON: splice it in as it is
            return f'{{"topic": {topic}, "payload": {text}}}\n'
    b64 = base64.b64encode(m.payload).decode()
    return f'{{"topic": {topic}, "payload_b64": "{b64}"}}\n'


def to_jsonl(
    messages: Iterable[SimMessage], out: IO[str], progress: Progress | None = None
) -> Counter[str]:
    counts: Counter[str] = Counter()
    for m in messages:
        out.write(_line(m))
        counts[m.kind] += 1
        if progress is not None:
            progress.advance()
    return counts


def to_file(
    messages: Iterable[SimMessage], path: Path, progress: Progress | None = None
) -> Counter[str]:
    with path.open("w", encoding="utf-8") as out:
        return to_jsonl(messages, out, progress)


def to_mqtt(
    messages: Iterable[SimMessage],
    url: str,
    client_id: str = "smartregion-simulator",
    progress: Progress | None = None,
    max_inflight: int = 1000,
) -> Counter[str]:
    """Publish with QoS 1 and wait for every PUBACK before returning."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"--mqtt-url must start with mqtt:// or mqtts://, got {url!r}")
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    client.max_inflight_messages_set(max_inflight)
    client.max_queued_messages_set(0)
    if parts.username:
        client.username_pw_set(unquote(parts.username), unquote(parts.password or ""))
    tls = parts.scheme in ("mqtts", "ssl")
    if tls:
        client.tls_set()
    client.connect(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883))
    client.loop_start()
    counts: Counter[str] = Counter()
    pending: list[mqtt.MQTTMessageInfo] = []
    try:
        for m in messages:
            pending.append(client.publish(m.topic, m.payload, qos=1))
            counts[m.kind] += 1
            if progress is not None:
                progress.advance()
            if len(pending) >= 2000:
                _wait(pending)
        _wait(pending)
    finally:
        client.loop_stop()
        client.disconnect()
    return counts


def _wait(pending: list[mqtt.MQTTMessageInfo]) -> None:
    for info in pending:
        info.wait_for_publish(timeout=60)
        if not info.is_published():
            raise OSError(f"the broker did not acknowledge message {info.mid} within 60 s")
    pending.clear()
