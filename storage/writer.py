"""The batch writer: one transaction per batch, idempotent, COPY wherever it is safe.

Only uplink rows need the conflict check. A batch's uplink rows are first COPYd straight
into `uplinks` under a savepoint; only when a key exists already (a redelivery) are they
staged and inserted with ON CONFLICT DO NOTHING RETURNING the new keys. The readings and
receptions of the uplinks that were actually new cannot exist yet, so they are COPYd
straight into their hypertables in the same transaction; a redelivered message adds
nothing. Readings that carry their own timestamp (batched frames) may overlap an earlier
frame, so those alone go through ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from psycopg import AsyncConnection, AsyncCursor
from psycopg.errors import UniqueViolation
from psycopg.types.json import Jsonb

from storage.registry import resolve_gateways
from storage.rows import Batch, DeviceRef, GatewayKey, UplinkRow, WriteResult

STAGE_UPLINKS = """
CREATE TEMP TABLE IF NOT EXISTS stage_uplinks (LIKE uplinks INCLUDING DEFAULTS)
    ON COMMIT DELETE ROWS
"""
STAGE_LATEST = """
CREATE TEMP TABLE IF NOT EXISTS stage_latest (LIKE readings_latest INCLUDING DEFAULTS)
    ON COMMIT DELETE ROWS
"""

UPLINK_COLUMNS = (
    "received_at, device_id, f_cnt, f_port, payload, type_id, fields, decode_errors, "
    "decode_warnings, ns_decoded, source, frequency_hz, data_rate, spreading_factor, "
    "airtime_s, gateway_count"
)
UPLINK_TYPES = [
    "timestamptz", "int4", "int8", "int2", "bytea", "text", "jsonb", "text[]", "text[]",
    "jsonb", "text", "int8", "text", "int2", "float4", "int2",
]  # fmt: skip
READING_TYPES = ["timestamptz", "int4", "int2", "int2", "float8", "bool"]
LATEST_TYPES = ["int4", "int2", "int2", "timestamptz", "float8", "bool"]
RECEPTION_TYPES = ["timestamptz", "int4", "int4", "float4", "float4", "int8", "text", "int2"]


def _dumps(value: Any) -> bytes:
    """orjson: fast, NaN becomes null; jsonb refuses NUL characters, so they are dropped."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).replace(b"\\u0000", b"")


def _json(value: Mapping[str, Any] | None) -> Jsonb | None:
    return None if value is None else Jsonb(value, dumps=_dumps)


async def _copy(
    cur: AsyncCursor[Any], target: str, types: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Binary COPY of `rows` into `target` ("table (columns)").

    Rows go through the formatter's `write_row` without a coroutine per row (it buffers
    them; only its full buffers are awaited).
    """
    async with cur.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        format_row = copy.formatter.write_row
        for row in rows:
            if data := format_row(row):
                await copy.write(data)


def _uplink_row(u: UplinkRow, device_id: int) -> tuple[Any, ...]:
    return (
        u.received_at, device_id, u.f_cnt, u.f_port, u.payload, u.type_id, _json(u.fields),
        list(u.decode_errors) or None, list(u.decode_warnings) or None, _json(u.ns_decoded),
        u.source, u.frequency_hz, u.data_rate, u.spreading_factor, u.airtime_s,
        len(u.receptions),
    )  # fmt: skip


async def write_batch(
    conn: AsyncConnection,
    batch: Batch,
    devices: Mapping[str, DeviceRef],
    quantity_ids: Mapping[str, int],
    organization_id: int,
    known_gateways: Mapping[GatewayKey, int] | None = None,
) -> WriteResult:
    """Write one batch inside the caller's transaction.

    `devices` must hold every EUI in the batch (see `registry.register_devices`);
    `known_gateways` are gateway ids the caller already knows (a committed cache): only
    the others are looked up or registered, and returned in `WriteResult.gateways`.
    """
    uplinks_new = readings = receptions = 0
    gateways: dict[GatewayKey, int] = {}
    async with conn.cursor() as cur:
        if batch.uplinks:
            rows = [_uplink_row(u, devices[u.dev_eui].id) for u in batch.uplinks]
            new = await _insert_uplinks(conn, rows)
            uplinks_new = len(batch.uplinks) if new is None else len(new)
            if uplinks_new:
                readings, receptions, gateways = await _write_children(
                    conn, batch, devices, quantity_ids, organization_id, new,
                    known_gateways or {},
                )  # fmt: skip
        for s in batch.statuses:
            await cur.execute(
                """
                UPDATE devices SET battery_level = %s, margin_db = %s, external_power = %s,
                                   status_at = %s
                WHERE id = %s AND (status_at IS NULL OR status_at <= %s)
                """,
                (s.battery_level, s.margin_db, s.external_power, s.time,
                 devices[s.dev_eui].id, s.time),
            )  # fmt: skip
        if batch.events:
            await cur.executemany(
                "INSERT INTO device_events (time, device_id, kind, details) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [(e.time, devices[e.dev_eui].id, e.kind, _json(e.details)) for e in batch.events],
            )
        if batch.dead_letters:
            await cur.executemany(
                # the same malformed message again (a redelivery) is counted, not re-stored
                "INSERT INTO dead_letters (received_at, topic, payload, reason, source) "
                "VALUES (coalesce(%s, now()), %s, %s, %s, %s) "
                "ON CONFLICT (topic, sha256(payload)) DO UPDATE SET "
                "deliveries = dead_letters.deliveries + 1, "
                "last_received_at = greatest(dead_letters.last_received_at, EXCLUDED.received_at)",
                [
                    (d.received_at, d.topic, d.payload, d.reason, d.source)
                    for d in batch.dead_letters
                ],
            )
    return WriteResult(
        uplinks_new=uplinks_new,
        uplinks_duplicate=len(batch.uplinks) - uplinks_new,
        readings=readings,
        receptions=receptions,
        dead_letters=len(batch.dead_letters),
        gateways=gateways,
    )


async def _insert_uplinks(
    conn: AsyncConnection, rows: Sequence[tuple[Any, ...]]
) -> set[tuple[int, datetime]] | None:
    """Insert the uplink rows; the keys of those that were new, or None when all were.

    Almost every batch is all new, so its rows are first COPYd straight into `uplinks`
    inside a savepoint; a key that exists already (a redelivery, or a duplicate within
    the batch) makes that COPY fail as a whole, and only then do the rows go through a
    staging table and INSERT ... ON CONFLICT DO NOTHING, which returns the new keys.
    """
    async with conn.cursor() as cur:
        try:
            async with conn.transaction():
                await _copy(cur, f"uplinks ({UPLINK_COLUMNS})", UPLINK_TYPES, rows)
            return None
        except UniqueViolation:
            pass
        await cur.execute(STAGE_UPLINKS)
        await _copy(cur, f"stage_uplinks ({UPLINK_COLUMNS})", UPLINK_TYPES, rows)
        await cur.execute(
            f"INSERT INTO uplinks ({UPLINK_COLUMNS}) SELECT {UPLINK_COLUMNS} "
            "FROM stage_uplinks ON CONFLICT (device_id, received_at) DO NOTHING "
            "RETURNING device_id, received_at"
        )
        return {(row[0], row[1]) for row in await cur.fetchall()}


async def _write_children(
    conn: AsyncConnection,
    batch: Batch,
    devices: Mapping[str, DeviceRef],
    quantity_ids: Mapping[str, int],
    organization_id: int,
    new: set[tuple[int, datetime]] | None,
    known_gateways: Mapping[GatewayKey, int],
) -> tuple[int, int, dict[GatewayKey, int]]:
    """Readings, receptions and latest values of the uplinks that were new."""
    unknown = {
        (r.gateway_eui, r.gateway_network_id): (r.latitude, r.longitude, r.altitude)
        for u in batch.uplinks
        for r in u.receptions
        if (r.gateway_eui, r.gateway_network_id) not in known_gateways
    }
    resolved = await resolve_gateways(
        conn, [(*key, *where) for key, where in unknown.items()], organization_id,
        datetime.now(UTC),
    )  # fmt: skip
    gateways = {**known_gateways, **resolved}
    direct: list[tuple[Any, ...]] = []
    own_time: list[tuple[Any, ...]] = []
    rx_rows: list[tuple[Any, ...]] = []
    latest: dict[tuple[int, int, int], tuple[datetime, float, bool]] = {}
    # Usually every uplink of the batch was new (as many keys came back as were sent, so
    # no two shared one); only otherwise is each checked, the first of a key winning.
    pending = None if new is None or len(new) == len(batch.uplinks) else set(new)
    # This loop runs for every row of the batch: rows are unpacked rather than read by
    # attribute, and appends and lookups are bound once.
    add_direct, add_own_time, add_rx = direct.append, own_time.append, rx_rows.append
    latest_of, gateway_of = latest.get, gateways.get
    for u in batch.uplinks:
        device_id = devices[u.dev_eui].id
        received_at = u.received_at
        if pending is not None:
            key = (device_id, received_at)
            if key not in pending:
                continue  # a duplicate, in this batch or from before
            pending.discard(key)
        seen: set[tuple[int, int, datetime]] = set()
        for quantity, value, at, channel, flagged in u.readings:
            qid = quantity_ids[quantity]
            series_at = (qid, channel, at)
            if series_at in seen:
                continue  # a decoder reporting one series twice at one instant: keep the first
            seen.add(series_at)
            row = (at, device_id, qid, channel, value, flagged)
            if at == received_at:
                add_direct(row)
            else:
                add_own_time(row)
            series = (device_id, qid, channel)
            known = latest_of(series)
            if known is None or at >= known[0]:
                latest[series] = (at, value, flagged)
        if u.receptions:
            heard: set[int] = set()
            radio = (u.frequency_hz, u.data_rate, u.spreading_factor)
            for eui, network_id, rssi, snr, _lat, _lon, _alt in u.receptions:
                gid = gateway_of((eui, network_id))
                if gid is None or gid in heard:
                    continue  # one row per gateway; the best reception comes first
                heard.add(gid)
                add_rx((received_at, device_id, gid, rssi, snr, *radio))
    async with conn.cursor() as cur:
        if direct:
            await _copy(
                cur, "readings (time, device_id, quantity_id, channel, value, flagged)",
                READING_TYPES, direct,
            )  # fmt: skip
        if own_time:
            await cur.executemany(
                "INSERT INTO readings (time, device_id, quantity_id, channel, value, flagged) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                own_time,
            )
        if rx_rows:
            await _copy(
                cur, "receptions (time, device_id, gateway_id, rssi, snr, frequency_hz, "
                "data_rate, spreading_factor)", RECEPTION_TYPES, rx_rows,
            )  # fmt: skip
        if latest:
            # staged by binary COPY (array parameters are slow to build in Python), then
            # upserted in key order so concurrent ingestors cannot deadlock
            await cur.execute(STAGE_LATEST)
            await _copy(
                cur, "stage_latest (device_id, quantity_id, channel, time, value, flagged)",
                LATEST_TYPES, ((*k, *v) for k, v in latest.items()),
            )  # fmt: skip
            await cur.execute(
                """
                INSERT INTO readings_latest (device_id, quantity_id, channel, time, value, flagged)
                SELECT device_id, quantity_id, channel, time, value, flagged FROM stage_latest
                ORDER BY device_id, quantity_id, channel
                ON CONFLICT (device_id, quantity_id, channel) DO UPDATE
                    SET time = EXCLUDED.time, value = EXCLUDED.value, flagged = EXCLUDED.flagged
                    WHERE readings_latest.time <= EXCLUDED.time
                """
            )
    return len(direct) + len(own_time), len(rx_rows), resolved
