"""TTN gap-fill: what The Things Stack published while we were not connected.

The Things Stack's MQTT server is QoS 0 without sessions, so whatever it published
while the ingestor was away is gone from MQTT. Its Storage Integration keeps recent
uplinks (when enabled for the application): after every (re)connect the ingestor asks
it for everything after the newest uplink it has of that application and feeds the
records through the normal pipeline. Writes are idempotent, so records it already has
change nothing.

API: `GET /api/v3/as/applications/{app}/packages/storage/uplink_message?after=&limit=`
with `Authorization: Bearer <key>` and `Accept: text/event-stream`; the body is one
`{"result": ApplicationUp}` object per line (blank lines between them).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import orjson

from ingestor.pipeline import Incoming

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StorageApi:
    base_url: str
    api_key: str
    page_size: int = 1000
    max_age: timedelta = timedelta(hours=48)


def _records(body: str) -> list[dict[str, object]]:
    out = []
    for line in body.splitlines():
        line = line.strip().removeprefix("data:").strip()
        if not line:
            continue
        record = orjson.loads(line)
        if isinstance(record, dict) and isinstance(record.get("result"), dict):
            out.append(record["result"])
    return out


def _received_at(result: dict[str, object]) -> datetime | None:
    up = result.get("uplink_message")
    value = (up.get("received_at") if isinstance(up, dict) else None) or result.get("received_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


async def missed_uplinks(
    client: httpx.AsyncClient, api: StorageApi, application_id: str, after: datetime | None
) -> AsyncIterator[Incoming]:
    """Every stored uplink of the application after `after`, page by page, as messages."""
    cursor = after or datetime.now(UTC) - api.max_age
    url = (
        f"{api.base_url.rstrip('/')}/api/v3/as/applications/{application_id}"
        "/packages/storage/uplink_message"
    )
    while True:
        response = await client.get(
            url,
            params={"after": cursor.isoformat().replace("+00:00", "Z"), "limit": api.page_size},
            headers={"Authorization": f"Bearer {api.api_key}", "Accept": "text/event-stream"},
        )
        response.raise_for_status()
        records = _records(response.text)
        for result in records:
            ids = result.get("end_device_ids")
            device_id = ids.get("device_id", "unknown") if isinstance(ids, dict) else "unknown"
            yield Incoming(
                topic=f"v3/{application_id}/devices/{device_id}/up",
                payload=orjson.dumps(result),
                arrived_at=datetime.now(UTC),
            )
        times = [t for t in (_received_at(r) for r in records) if t is not None]
        if len(records) < api.page_size or not times or max(times) <= cursor:
            return
        cursor = max(times)


async def fill_gaps(
    api: StorageApi,
    applications: list[str],
    newest: Callable[[str], Awaitable[datetime | None]],
    deliver: Callable[[Incoming], None],
) -> int:
    """Fetch what each application missed; returns how many records were queued."""
    queued = 0
    async with httpx.AsyncClient(timeout=30) as client:
        for app in applications:
            after = await newest(app)
            try:
                async for item in missed_uplinks(client, api, app, after):
                    deliver(item)
                    queued += 1
            except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
                logger.warning(
                    "TTN storage integration unavailable; gap not filled",
                    extra={"application": app, "error": f"{type(exc).__name__}: {exc}"},
                )
    if queued:
        logger.info("gap filled from the TTN storage integration", extra={"records": queued})
    return queued
