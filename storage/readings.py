"""Read queries for the API, every one scoped to the caller in SQL.

A `Scope` turns "who is asking" into one WHERE fragment per registry table; each query
below splices it in, so a row the caller may not see is never read, let alone returned.
Callers get `NotFoundError` for an invisible row exactly as for a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from storage.errors import NotFoundError

Agg = Literal["avg", "min", "max", "count"]

MIGRATIONS = Path(__file__).with_name("migrations")

# Rollup column per aggregate; the rollups exclude flagged readings, so the on-the-fly
# buckets below do the same.
ROLLUP_COLUMNS: dict[Agg, str] = {
    "avg": "value_avg",
    "min": "value_min",
    "max": "value_max",
    "count": "samples",
}
AGG_FUNCTIONS: dict[Agg, sql.SQL] = {
    "avg": sql.SQL("avg(r.value)"),
    "min": sql.SQL("min(r.value)"),
    "max": sql.SQL("max(r.value)"),
    "count": sql.SQL("count(*)::float8"),
}
ROLLUP_VIEWS = {"hour": "readings_hourly", "day": "readings_daily"}


@dataclass(frozen=True, slots=True)
class Scope:
    """What a caller may read: everything, one organisation plus open data, or open data.

    `organization_id` is None for the public; `everything` is the platform admin.
    """

    organization_id: int | None = None
    everything: bool = False

    @classmethod
    def admin(cls) -> Scope:
        return cls(everything=True)

    @classmethod
    def public(cls) -> Scope:
        return cls()

    @classmethod
    def organization(cls, organization_id: int) -> Scope:
        return cls(organization_id=organization_id)

    def devices(self, alias: str = "d") -> tuple[sql.Composable, dict[str, Any]]:
        """Predicate over `devices AS alias`: own organisation's devices and open data."""
        return self._predicate(alias, "open_data")

    def gateways(self, alias: str = "g") -> tuple[sql.Composable, dict[str, Any]]:
        """Predicate over `gateways AS alias`: own organisation's gateways and public ones."""
        return self._predicate(alias, "public")

    def _predicate(self, alias: str, flag: str) -> tuple[sql.Composable, dict[str, Any]]:
        table = sql.Identifier(alias)
        if self.everything:
            return sql.SQL("TRUE"), {}
        if self.organization_id is None:
            return sql.SQL("{}.{}").format(table, sql.Identifier(flag)), {}
        return (
            sql.SQL("({t}.{flag} OR {t}.organization_id = %(scope_org)s)").format(
                t=table, flag=sql.Identifier(flag)
            ),
            {"scope_org": self.organization_id},
        )


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallerRow:
    key_id: int
    role: str
    organization_id: int
    organization: str
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeviceRow:
    id: int
    dev_eui: str
    name: str | None
    type_id: str | None
    organization_id: int
    organization: str
    latitude: float | None
    longitude: float | None
    altitude: float | None
    open_data: bool
    tags: dict[str, Any]
    battery_level: float | None
    last_seen_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LatestReadingRow:
    quantity: str
    unit: str
    channel: int
    time: datetime
    value: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class Latest:
    time: datetime | None
    fields: dict[str, Any]
    readings: list[LatestReadingRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    quantity: str
    unit: str
    channel: int
    time: datetime
    value: float
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class MapPoint:
    dev_eui: str
    name: str | None
    latitude: float
    longitude: float
    quantity: str
    unit: str
    channel: int
    time: datetime
    value: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class GatewayRow:
    id: int
    eui: str | None
    network_id: str | None
    name: str | None
    organization_id: int | None
    organization: str | None
    latitude: float | None
    longitude: float | None
    altitude: float | None
    antenna_height_m: float | None
    antenna_gain_dbi: float | None
    public: bool
    registered_by: str
    last_seen_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GatewayStatsRow:
    uplinks_24h: int
    uplinks_7d: int
    devices_24h: int
    devices_7d: int
    rssi_avg: float | None
    rssi_min: float | None
    rssi_max: float | None
    snr_avg: float | None
    snr_min: float | None
    snr_max: float | None
    last_heard_at: datetime | None


@dataclass(frozen=True, slots=True)
class CoverageRow:
    eui: str | None
    network_id: str | None
    name: str | None
    latitude: float
    longitude: float
    altitude: float | None
    antenna_height_m: float | None
    public: bool
    last_seen_at: datetime | None
    uplinks_7d: int
    devices_7d: int
    rssi_avg: float | None
    snr_avg: float | None


# --- health and callers ------------------------------------------------------------------


async def pending_migrations(conn: AsyncConnection[Any]) -> list[str]:
    """Migration files the database has not applied yet (all of them on an empty database)."""
    expected = sorted(
        p.stem for p in MIGRATIONS.iterdir() if p.suffix in (".sql", ".py") and p.stem[0].isdigit()
    )
    cur = await conn.execute("SELECT to_regclass('_yoyo_migration') IS NOT NULL")
    row = await cur.fetchone()
    if row is None or not row[0]:
        return expected
    cur = await conn.execute("SELECT migration_id FROM _yoyo_migration")
    applied = {r[0] for r in await cur.fetchall()}
    return [m for m in expected if m not in applied]


async def find_caller(conn: AsyncConnection[Any], key_hash: bytes) -> CallerRow:
    """The live (not revoked) key with this hash and its organisation."""
    cur = conn.cursor(row_factory=class_row(CallerRow))
    await cur.execute(
        """
        SELECT k.id AS key_id, k.role, k.organization_id, o.name AS organization, k.last_used_at
        FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE k.key_hash = %s AND k.revoked_at IS NULL
        """,
        (key_hash,),
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFoundError("API key")
    return row


async def touch_api_key(conn: AsyncConnection[Any], key_id: int) -> None:
    """Record use of a key; callers throttle this so a busy key costs no write per request."""
    await conn.execute("UPDATE api_keys SET last_used_at = now() WHERE id = %s", (key_id,))


# --- devices -----------------------------------------------------------------------------

DEVICE_COLUMNS = sql.SQL(
    """
    d.id, d.dev_eui, d.name, d.type_id, d.organization_id, o.name AS organization,
    d.latitude, d.longitude, d.altitude, d.open_data, d.tags, d.battery_level,
    d.last_seen_at, d.created_at
    """
)


async def list_devices(
    conn: AsyncConnection[Any],
    scope: Scope,
    *,
    type_id: str | None = None,
    open_data: bool | None = None,
    search: str | None = None,
    after: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DeviceRow]:
    """Visible devices ordered by EUI; `after` is a keyset cursor (the last EUI seen)."""
    visible, params = scope.devices("d")
    params |= {
        "type_id": type_id,
        "open_data": open_data,
        "pattern": None if search is None else f"%{_escape_like(search)}%",
        "after": after,
        "limit": limit,
        "offset": offset,
    }
    query = sql.SQL(
        """
        SELECT {columns}
        FROM devices d JOIN organizations o ON o.id = d.organization_id
        WHERE {visible}
          AND (%(type_id)s::text IS NULL OR d.type_id = %(type_id)s)
          AND (%(open_data)s::bool IS NULL OR d.open_data = %(open_data)s)
          AND (%(pattern)s::text IS NULL OR d.name ILIKE %(pattern)s OR d.dev_eui ILIKE %(pattern)s)
          AND (%(after)s::text IS NULL OR d.dev_eui > %(after)s)
        ORDER BY d.dev_eui
        LIMIT %(limit)s OFFSET %(offset)s
        """
    ).format(columns=DEVICE_COLUMNS, visible=visible)
    cur = conn.cursor(row_factory=class_row(DeviceRow))
    await cur.execute(query, params)
    return await cur.fetchall()


async def get_device(conn: AsyncConnection[Any], scope: Scope, dev_eui: str) -> DeviceRow:
    """One visible device by its (upper-case) EUI."""
    visible, params = scope.devices("d")
    params["dev_eui"] = dev_eui
    query = sql.SQL(
        """
        SELECT {columns}
        FROM devices d JOIN organizations o ON o.id = d.organization_id
        WHERE d.dev_eui = %(dev_eui)s AND {visible}
        """
    ).format(columns=DEVICE_COLUMNS, visible=visible)
    cur = conn.cursor(row_factory=class_row(DeviceRow))
    await cur.execute(query, params)
    row = await cur.fetchone()
    if row is None:
        raise NotFoundError(f"device {dev_eui}")
    return row


async def latest(conn: AsyncConnection[Any], device_id: int) -> Latest:
    """The newest reading of each series and the vendor fields of the newest decoded uplink.

    `device_id` comes from a scoped `get_device`.
    """
    cur = conn.cursor(row_factory=class_row(LatestReadingRow))
    await cur.execute(
        """
        SELECT q.name AS quantity, q.unit, l.channel, l.time, l.value, l.flagged
        FROM readings_latest l JOIN quantities q ON q.id = l.quantity_id
        WHERE l.device_id = %s
        ORDER BY q.name, l.channel
        """,
        (device_id,),
    )
    readings = await cur.fetchall()
    up = await conn.execute(
        """
        SELECT received_at, fields FROM uplinks
        WHERE device_id = %s AND fields IS NOT NULL
        ORDER BY received_at DESC LIMIT 1
        """,
        (device_id,),
    )
    newest = await up.fetchone()
    times = [r.time for r in readings]
    fields: dict[str, Any] = {}
    if newest is not None:
        times.append(newest[0])
        fields = dict(newest[1]) if isinstance(newest[1], dict) else {}
    return Latest(time=max(times) if times else None, fields=fields, readings=readings)


async def raw_series(
    conn: AsyncConnection[Any],
    device_id: int,
    quantity: str | None,
    start: datetime,
    end: datetime,
    limit: int,
) -> list[SeriesPoint]:
    """Raw readings of one device in [start, end), oldest first."""
    cur = conn.cursor(row_factory=class_row(SeriesPoint))
    await cur.execute(
        """
        SELECT q.name AS quantity, q.unit, r.channel, r.time, r.value, r.flagged
        FROM readings r JOIN quantities q ON q.id = r.quantity_id
        WHERE r.device_id = %(device)s AND r.time >= %(start)s AND r.time < %(end)s
          AND (%(quantity)s::text IS NULL OR q.name = %(quantity)s)
        ORDER BY r.time, q.name, r.channel
        LIMIT %(limit)s
        """,
        {"device": device_id, "start": start, "end": end, "quantity": quantity, "limit": limit},
    )
    return await cur.fetchall()


async def rollup_series(
    conn: AsyncConnection[Any],
    device_id: int,
    quantity: str | None,
    start: datetime,
    end: datetime,
    *,
    bucket: Literal["hour", "day"],
    agg: Agg,
    limit: int,
) -> list[SeriesPoint]:
    """Hourly or daily buckets from the rollup views; `start` belongs to the first bucket."""
    query = sql.SQL(
        """
        SELECT q.name AS quantity, q.unit, r.channel, r.bucket AS time, r.{column}::float8 AS value
        FROM {view} r JOIN quantities q ON q.id = r.quantity_id
        WHERE r.device_id = %(device)s AND r.bucket >= %(start)s AND r.bucket < %(end)s
          AND (%(quantity)s::text IS NULL OR q.name = %(quantity)s)
        ORDER BY r.bucket, q.name, r.channel
        LIMIT %(limit)s
        """
    ).format(column=sql.Identifier(ROLLUP_COLUMNS[agg]), view=sql.Identifier(ROLLUP_VIEWS[bucket]))
    cur = conn.cursor(row_factory=class_row(SeriesPoint))
    await cur.execute(
        query,
        {"device": device_id, "start": start, "end": end, "quantity": quantity, "limit": limit},
    )
    return await cur.fetchall()


async def bucketed_series(
    conn: AsyncConnection[Any],
    device_id: int,
    quantity: str | None,
    start: datetime,
    end: datetime,
    *,
    width: timedelta,
    agg: Agg,
    limit: int,
) -> list[SeriesPoint]:
    """Buckets of any width from raw readings; flagged ones are left out, as in the rollups."""
    query = sql.SQL(
        """
        SELECT q.name AS quantity, q.unit, r.channel,
               time_bucket(%(width)s::interval, r.time) AS time, {agg} AS value
        FROM readings r JOIN quantities q ON q.id = r.quantity_id
        WHERE r.device_id = %(device)s AND r.time >= %(start)s AND r.time < %(end)s
          AND NOT r.flagged
          AND (%(quantity)s::text IS NULL OR q.name = %(quantity)s)
        GROUP BY 1, 2, 3, 4
        ORDER BY 4, 1, 3
        LIMIT %(limit)s
        """
    ).format(agg=AGG_FUNCTIONS[agg])
    cur = conn.cursor(row_factory=class_row(SeriesPoint))
    await cur.execute(
        query,
        {
            "device": device_id,
            "start": start,
            "end": end,
            "quantity": quantity,
            "limit": limit,
            "width": width,
        },
    )
    return await cur.fetchall()


async def map_latest(
    conn: AsyncConnection[Any],
    scope: Scope,
    *,
    quantity: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = 10_000,
) -> list[MapPoint]:
    """The newest reading of each series of every visible device that has a location."""
    visible, params = scope.devices("d")
    west, south, east, north = bbox if bbox else (None, None, None, None)
    params |= {
        "quantity": quantity,
        "west": west,
        "south": south,
        "east": east,
        "north": north,
        "limit": limit,
    }
    query = sql.SQL(
        """
        SELECT d.dev_eui, d.name, d.latitude, d.longitude, q.name AS quantity, q.unit,
               l.channel, l.time, l.value, l.flagged
        FROM readings_latest l
        JOIN devices d ON d.id = l.device_id
        JOIN quantities q ON q.id = l.quantity_id
        WHERE {visible}
          AND d.latitude IS NOT NULL AND d.longitude IS NOT NULL
          AND (%(quantity)s::text IS NULL OR q.name = %(quantity)s)
          AND (%(west)s::float8 IS NULL OR d.longitude BETWEEN %(west)s AND %(east)s)
          AND (%(south)s::float8 IS NULL OR d.latitude BETWEEN %(south)s AND %(north)s)
        ORDER BY d.dev_eui, q.name, l.channel
        LIMIT %(limit)s
        """
    ).format(visible=visible)
    cur = conn.cursor(row_factory=class_row(MapPoint))
    await cur.execute(query, params)
    return await cur.fetchall()


# --- gateways ----------------------------------------------------------------------------

GATEWAY_COLUMNS = sql.SQL(
    """
    g.id, g.eui, g.network_id, g.name, g.organization_id, o.name AS organization,
    g.latitude, g.longitude, g.altitude, g.antenna_height_m::float8 AS antenna_height_m,
    g.antenna_gain_dbi::float8 AS antenna_gain_dbi, g.public, g.registered_by,
    g.last_seen_at, g.created_at
    """
)


async def list_gateways(
    conn: AsyncConnection[Any],
    scope: Scope,
    *,
    public: bool | None = None,
    after: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[GatewayRow]:
    """Visible gateways ordered by id; `after` is a keyset cursor (the last id seen)."""
    visible, params = scope.gateways("g")
    params |= {"public": public, "after": after, "limit": limit, "offset": offset}
    query = sql.SQL(
        """
        SELECT {columns}
        FROM gateways g LEFT JOIN organizations o ON o.id = g.organization_id
        WHERE {visible}
          AND (%(public)s::bool IS NULL OR g.public = %(public)s)
          AND (%(after)s::int IS NULL OR g.id > %(after)s)
        ORDER BY g.id
        LIMIT %(limit)s OFFSET %(offset)s
        """
    ).format(columns=GATEWAY_COLUMNS, visible=visible)
    cur = conn.cursor(row_factory=class_row(GatewayRow))
    await cur.execute(query, params)
    return await cur.fetchall()


async def get_gateway(conn: AsyncConnection[Any], scope: Scope, eui: str) -> GatewayRow:
    """One visible gateway by its (upper-case) EUI."""
    visible, params = scope.gateways("g")
    params["eui"] = eui
    query = sql.SQL(
        """
        SELECT {columns}
        FROM gateways g LEFT JOIN organizations o ON o.id = g.organization_id
        WHERE g.eui = %(eui)s AND {visible}
        """
    ).format(columns=GATEWAY_COLUMNS, visible=visible)
    cur = conn.cursor(row_factory=class_row(GatewayRow))
    await cur.execute(query, params)
    row = await cur.fetchone()
    if row is None:
        raise NotFoundError(f"gateway {eui}")
    return row


async def gateway_stats(conn: AsyncConnection[Any], gateway_id: int) -> GatewayStatsRow:
    """What one gateway heard in the last 7 days, as counts and radio figures only.

    `gateway_id` comes from a scoped `get_gateway`: a gateway's owner sees the traffic it
    heard, including other organisations' devices, but never which devices or what they sent.
    """
    cur = conn.cursor(row_factory=class_row(GatewayStatsRow))
    await cur.execute(
        """
        SELECT count(*) FILTER (WHERE time > now() - interval '24 hours') AS uplinks_24h,
               count(*) AS uplinks_7d,
               count(DISTINCT device_id) FILTER (WHERE time > now() - interval '24 hours')
                   AS devices_24h,
               count(DISTINCT device_id) AS devices_7d,
               avg(rssi)::float8 AS rssi_avg, min(rssi)::float8 AS rssi_min,
               max(rssi)::float8 AS rssi_max,
               avg(snr)::float8 AS snr_avg, min(snr)::float8 AS snr_min,
               max(snr)::float8 AS snr_max,
               max(time) AS last_heard_at
        FROM receptions
        WHERE gateway_id = %s AND time > now() - interval '7 days'
        """,
        (gateway_id,),
    )
    row = await cur.fetchone()
    assert row is not None  # an aggregate without GROUP BY always yields a row
    return row


async def coverage(
    conn: AsyncConnection[Any], scope: Scope, *, limit: int = 10_000
) -> list[CoverageRow]:
    """Visible gateways with a location and what each heard in the last 7 days."""
    visible, params = scope.gateways("g")
    params["limit"] = limit
    query = sql.SQL(
        """
        SELECT g.eui, g.network_id, g.name, g.latitude, g.longitude, g.altitude,
               g.antenna_height_m::float8 AS antenna_height_m, g.public, g.last_seen_at,
               s.uplinks_7d, s.devices_7d, s.rssi_avg, s.snr_avg
        FROM gateways g
        CROSS JOIN LATERAL (
            SELECT count(*) AS uplinks_7d, count(DISTINCT r.device_id) AS devices_7d,
                   avg(r.rssi)::float8 AS rssi_avg, avg(r.snr)::float8 AS snr_avg
            FROM receptions r
            WHERE r.gateway_id = g.id AND r.time > now() - interval '7 days'
        ) s
        WHERE {visible} AND g.latitude IS NOT NULL AND g.longitude IS NOT NULL
        ORDER BY g.id
        LIMIT %(limit)s
        """
    ).format(visible=visible)
    cur = conn.cursor(row_factory=class_row(CoverageRow))
    await cur.execute(query, params)
    return await cur.fetchall()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
