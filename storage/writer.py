"""The batch writer: one transaction per batch, COPY into staging, then idempotent INSERTs.

A redelivered message finds its rows already there (ON CONFLICT DO NOTHING), so the
ingestor can acknowledge after commit and still get exactly-once rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import orjson
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from storage.registry import resolve_gateways
from storage.rows import Batch, DeviceRef, WriteResult

STAGING = """
CREATE TEMP TABLE IF NOT EXISTS stage_uplinks (
    received_at timestamptz, device_id int, f_cnt bigint, f_port smallint, payload bytea,
    type_id text, fields jsonb, decode_errors text[], decode_warnings text[], ns_decoded jsonb,
    source text, frequency_hz bigint, data_rate text, spreading_factor smallint, airtime_s real,
    gateway_count smallint) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stage_readings (
    time timestamptz, device_id int, quantity_id smallint, channel smallint,
    value double precision, flagged boolean) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS stage_receptions (
    time timestamptz, device_id int, gateway_id int, rssi real, snr real, frequency_hz bigint,
    data_rate text, spreading_factor smallint) ON COMMIT DELETE ROWS;
"""

UPLINK_TYPES = [
    "timestamptz", "int4", "int8", "int2", "bytea", "text", "jsonb", "text[]", "text[]",
    "jsonb", "text", "int8", "text", "int2", "float4", "int2",
]  # fmt: skip
READING_TYPES = ["timestamptz", "int4", "int2", "int2", "float8", "bool"]
RECEPTION_TYPES = ["timestamptz", "int4", "int4", "float4", "float4", "int8", "text", "int2"]


def _json(value: Mapping[str, object] | None) -> Jsonb | None:
    """jsonb refuses NaN and NUL characters; orjson maps NaN to null, we drop NULs."""
    if value is None:
        return None
    text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode().replace("\\u0000", "")
    return Jsonb(orjson.loads(text))


async def write_batch(
    conn: AsyncConnection,
    batch: Batch,
    devices: Mapping[str, DeviceRef],
    quantity_ids: Mapping[str, int],
    organization_id: int,
) -> WriteResult:
    """Write one batch inside the caller's transaction.

    `devices` must hold every EUI in the batch (see `registry.register_devices`).
    Readings of quantities the database does not know are a programming error.
    """
    await conn.execute(STAGING)
    gateway_keys = [
        (r.gateway_eui, r.gateway_network_id, r.latitude, r.longitude, r.altitude)
        for u in batch.uplinks
        for r in u.receptions
    ]
    now = datetime.now(UTC)
    gateways = await resolve_gateways(conn, gateway_keys, organization_id, now)

    readings = receptions = 0
    async with conn.cursor() as cur:
        if batch.uplinks:
            async with cur.copy("COPY stage_uplinks FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(UPLINK_TYPES)
                for u in batch.uplinks:
                    await copy.write_row((
                        u.received_at, devices[u.dev_eui].id, u.f_cnt, u.f_port, u.payload,
                        u.type_id, _json(u.fields), list(u.decode_errors) or None,
                        list(u.decode_warnings) or None, _json(u.ns_decoded), u.source,
                        u.frequency_hz, u.data_rate, u.spreading_factor, u.airtime_s,
                        len(u.receptions),
                    ))  # fmt: skip
            async with cur.copy("COPY stage_readings FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(READING_TYPES)
                for u in batch.uplinks:
                    device_id = devices[u.dev_eui].id
                    for r in u.readings:
                        await copy.write_row((
                            r.time, device_id, quantity_ids[r.quantity], r.channel, r.value,
                            r.flagged,
                        ))  # fmt: skip
                        readings += 1
            async with cur.copy("COPY stage_receptions FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(RECEPTION_TYPES)
                for u in batch.uplinks:
                    device_id = devices[u.dev_eui].id
                    seen: set[int] = set()
                    for rx in u.receptions:
                        gid = gateways.get((rx.gateway_eui, rx.gateway_network_id))
                        if gid is None or gid in seen:
                            continue  # one row per gateway; the best reception is listed first
                        seen.add(gid)
                        await copy.write_row((
                            u.received_at, device_id, gid, rx.rssi, rx.snr, u.frequency_hz,
                            u.data_rate, u.spreading_factor,
                        ))  # fmt: skip
                        receptions += 1
            await cur.execute(
                "INSERT INTO uplinks SELECT * FROM stage_uplinks "
                "ON CONFLICT (device_id, received_at) DO NOTHING"
            )
            uplinks_new = cur.rowcount
            await cur.execute(
                "INSERT INTO readings (time, device_id, quantity_id, channel, value, flagged) "
                "SELECT * FROM stage_readings ON CONFLICT DO NOTHING"
            )
            await cur.execute(
                """
                INSERT INTO readings_latest (device_id, quantity_id, channel, time, value, flagged)
                SELECT DISTINCT ON (device_id, quantity_id, channel)
                       device_id, quantity_id, channel, time, value, flagged
                FROM stage_readings
                ORDER BY device_id, quantity_id, channel, time DESC
                ON CONFLICT (device_id, quantity_id, channel) DO UPDATE
                    SET time = EXCLUDED.time, value = EXCLUDED.value, flagged = EXCLUDED.flagged
                    WHERE readings_latest.time <= EXCLUDED.time
                """
            )
            await cur.execute(
                "INSERT INTO receptions SELECT * FROM stage_receptions ON CONFLICT DO NOTHING"
            )
        else:
            uplinks_new = 0

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
                "VALUES (%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [(e.time, devices[e.dev_eui].id, e.kind, _json(e.details)) for e in batch.events],
            )
        if batch.dead_letters:
            await cur.executemany(
                "INSERT INTO dead_letters (received_at, topic, payload, reason, source) "
                "VALUES (coalesce(%s, now()), %s, %s, %s, %s)",
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
    )
