"""Reading stored uplinks back and replacing their decode, for `smartregion reprocess`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import class_row

from storage.rows import ReadingRow
from storage.writer import _json


@dataclass(frozen=True, slots=True)
class DeviceForReprocess:
    id: int
    dev_eui: str
    type_id: str | None
    ns_type_hint: str | None


@dataclass(frozen=True, slots=True)
class StoredUplink:
    received_at: datetime
    f_port: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class Redecoded:
    received_at: datetime
    type_id: str
    fields: Mapping[str, Any] | None
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    readings: tuple[ReadingRow, ...]


async def devices_for_reprocess(
    conn: AsyncConnection, dev_eui: str | None
) -> list[DeviceForReprocess]:
    cur = conn.cursor(row_factory=class_row(DeviceForReprocess))
    await cur.execute(
        "SELECT id, dev_eui, type_id, ns_type_hint FROM devices "
        "WHERE (%(eui)s::text IS NULL OR dev_eui = %(eui)s) ORDER BY id",
        {"eui": dev_eui},
    )
    return await cur.fetchall()


async def uplinks_page(
    conn: AsyncConnection, device_id: int, after: datetime | None, limit: int = 1000
) -> list[StoredUplink]:
    """Uplinks of one device in time order, keyset-paged."""
    cur = conn.cursor(row_factory=class_row(StoredUplink))
    await cur.execute(
        "SELECT received_at, f_port, payload FROM uplinks WHERE device_id = %(d)s "
        "AND (%(after)s::timestamptz IS NULL OR received_at > %(after)s) "
        "ORDER BY received_at LIMIT %(limit)s",
        {"d": device_id, "after": after, "limit": limit},
    )
    return await cur.fetchall()


async def replace_decodes(
    conn: AsyncConnection,
    device_id: int,
    decodes: Sequence[Redecoded],
    quantity_ids: Mapping[str, int],
) -> int:
    """Store new decodes of stored uplinks; returns the number of readings written."""
    written = 0
    async with conn.cursor() as cur:
        await cur.executemany(
            "UPDATE uplinks SET type_id = %s, fields = %s, decode_errors = %s, "
            "decode_warnings = %s WHERE device_id = %s AND received_at = %s",
            [
                (d.type_id, _json(d.fields), list(d.errors) or None, list(d.warnings) or None,
                 device_id, d.received_at)
                for d in decodes
            ],
        )  # fmt: skip
        rows = [
            (r.time, device_id, quantity_ids[r.quantity], r.channel, r.value, r.flagged)
            for d in decodes
            for r in d.readings
        ]
        if rows:
            await cur.executemany(
                "INSERT INTO readings (time, device_id, quantity_id, channel, value, flagged) "
                "VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (device_id, quantity_id, channel, time) "
                "DO UPDATE SET value = EXCLUDED.value, flagged = EXCLUDED.flagged",
                rows,
            )
            written = len(rows)
        await cur.execute(
            """
            INSERT INTO readings_latest (device_id, quantity_id, channel, time, value, flagged)
            SELECT DISTINCT ON (quantity_id, channel) device_id, quantity_id, channel, time, value,
                   flagged
            FROM readings WHERE device_id = %s
            ORDER BY quantity_id, channel, time DESC
            ON CONFLICT (device_id, quantity_id, channel) DO UPDATE
                SET time = EXCLUDED.time, value = EXCLUDED.value, flagged = EXCLUDED.flagged
            """,
            (device_id,),
        )
    return written


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    received_at: datetime
    topic: str
    payload: bytes
    reason: str


async def dead_letters_page(
    conn: AsyncConnection, after_id: int, limit: int = 500
) -> list[DeadLetter]:
    cur = conn.cursor(row_factory=class_row(DeadLetter))
    await cur.execute(
        "SELECT id, received_at, topic, payload, reason FROM dead_letters WHERE id > %s "
        "ORDER BY id LIMIT %s",
        (after_id, limit),
    )
    return await cur.fetchall()


async def delete_dead_letters(conn: AsyncConnection, ids: Sequence[int]) -> None:
    await conn.execute("DELETE FROM dead_letters WHERE id = ANY(%s)", (list(ids),))
