"""The inbox between the MQTT callback and the collector keeps order and wakes the collector."""

from __future__ import annotations

import asyncio
import time

from ingestor.inbox import Inbox


def test_take_returns_the_oldest_first_and_at_most_the_limit() -> None:
    async def scenario() -> None:
        inbox: Inbox[int] = Inbox()
        for n in range(5):
            inbox.put(n)
        assert inbox.take(3) == [0, 1, 2]
        assert len(inbox) == 2
        assert inbox.take(10) == [3, 4]
        assert inbox.take(10) == []
        assert not inbox

    asyncio.run(scenario())


def test_wait_times_out_when_nothing_arrives() -> None:
    async def scenario() -> None:
        inbox: Inbox[int] = Inbox()
        started = time.monotonic()
        assert await inbox.wait(0.05) is False
        assert time.monotonic() - started >= 0.04

    asyncio.run(scenario())


def test_wait_wakes_as_soon_as_something_is_put() -> None:
    async def scenario() -> None:
        inbox: Inbox[str] = Inbox()
        asyncio.get_running_loop().call_later(0.02, inbox.put, "uplink")
        started = time.monotonic()
        assert await inbox.wait(5.0) is True
        assert time.monotonic() - started < 1.0
        assert inbox.take(1) == ["uplink"]
        # taken empty, it waits again rather than answering from a stale wake-up
        assert await inbox.wait(0.02) is False

    asyncio.run(scenario())
