"""Read queries for the API, every one scoped to the caller in SQL.

A `Scope` turns "who is asking" into one WHERE fragment per registry table; each query
below splices it in, so a row the caller may not see is never read, let alone returned.
Callers get `NotFoundError` for an invisible row exactly as for a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from storage.errors import NotFoundError

Agg = Literal["avg", "min", "max", "sum", "count", "last"]
RollupAgg = Literal["avg", "min", "max", "sum", "count"]

MIGRATIONS = Path(__file__).with_name("migrations")

# Rollup column per aggregate; the rollups exclude flagged readings, so the on-the-fly
# buckets below do the same.
ROLLUP_VALUES: dict[RollupAgg, sql.SQL] = {
    "avg": sql.SQL("r.value_avg"),
    "min": sql.SQL("r.value_min"),
    "max": sql.SQL("r.value_max"),
    "sum": sql.SQL("r.value_avg * r.samples"),
    "count": sql.SQL("r.samples"),
}
AGG_FUNCTIONS: dict[Agg, sql.SQL] = {
    "avg": sql.SQL("avg(r.value)"),
    "min": sql.SQL("min(r.value)"),
    "max": sql.SQL("max(r.value)"),
    "sum": sql.SQL("sum(r.value)"),
    "count": sql.SQL("count(*)::float8"),
    "last": sql.SQL("last(r.value, r.time)"),
}
# Combining per-device rollup rows of one bucket into a region's value.
REGION_AGGREGATES: dict[RollupAgg, sql.SQL] = {
    "avg": sql.SQL("sum(r.value_avg * r.samples) / nullif(sum(r.samples), 0)"),
    "min": sql.SQL("min(r.value_min)"),
    "max": sql.SQL("max(r.value_max)"),
    "sum": sql.SQL("sum(r.value_avg * r.samples)"),
    "count": sql.SQL("sum(r.samples)::float8"),
}
# ids of the named quantities as an InitPlan, so the rollups' primary key is probed by it
QUANTITY_IDS = sql.SQL(
    "(%(quantities)s::text[] IS NULL OR r.quantity_id = ANY(ARRAY("
    "SELECT id FROM quantities WHERE name = ANY(%(quantities)s::text[]))))"
)
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


class MapPoint(NamedTuple):
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


@dataclass(frozen=True, slots=True)
class DeviceFilter:
    """List filters; every one narrows, none widens what the scope lets through."""

    type_ids: list[str] | None = None  # a type or a category's types
    open_data: bool | None = None
    search: str | None = None
    tags: list[tuple[str, str | None]] = field(default_factory=list)  # key[:value]
    bbox: tuple[float, float, float, float] | None = None


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
    where: DeviceFilter | None = None,
) -> list[DeviceRow]:
    """Visible devices ordered by EUI; `after` is a keyset cursor (the last EUI seen)."""
    filters = where or DeviceFilter(
        type_ids=None if type_id is None else [type_id], open_data=open_data, search=search
    )
    visible, params = scope.devices("d")
    condition, more = _device_filter(filters)
    params |= more | {"after": after, "limit": limit, "offset": offset}
    query = sql.SQL(
        """
        SELECT {columns}
        FROM devices d JOIN organizations o ON o.id = d.organization_id
        WHERE {visible} AND {condition}
          AND (%(after)s::text IS NULL OR d.dev_eui > %(after)s)
        ORDER BY d.dev_eui
        LIMIT %(limit)s OFFSET %(offset)s
        """
    ).format(columns=DEVICE_COLUMNS, visible=visible, condition=condition)
    cur = conn.cursor(row_factory=class_row(DeviceRow))
    await cur.execute(query, params)
    return await cur.fetchall()


def _device_filter(f: DeviceFilter) -> tuple[sql.Composable, dict[str, Any]]:
    west, south, east, north = f.bbox if f.bbox else (None, None, None, None)
    params: dict[str, Any] = {
        "f_types": f.type_ids,
        "f_open": f.open_data,
        "f_pattern": None if f.search is None else f"%{_escape_like(f.search)}%",
        "f_west": west,
        "f_south": south,
        "f_east": east,
        "f_north": north,
    }
    parts: list[sql.Composable] = [
        sql.SQL(
            """(%(f_types)s::text[] IS NULL OR d.type_id = ANY(%(f_types)s::text[]))
          AND (%(f_open)s::bool IS NULL OR d.open_data = %(f_open)s)
          AND (%(f_pattern)s::text IS NULL OR d.name ILIKE %(f_pattern)s
               OR d.dev_eui ILIKE %(f_pattern)s)
          AND (%(f_west)s::float8 IS NULL OR d.longitude BETWEEN %(f_west)s AND %(f_east)s)
          AND (%(f_south)s::float8 IS NULL OR d.latitude BETWEEN %(f_south)s AND %(f_north)s)"""
        )
    ]
    for n, (key, value) in enumerate(f.tags):
        params[f"f_tag{n}"] = key
        if value is None:
            parts.append(sql.SQL("jsonb_exists(d.tags, {})").format(sql.Placeholder(f"f_tag{n}")))
        else:
            params[f"f_tagv{n}"] = value
            parts.append(
                sql.SQL("d.tags ->> {} = {}").format(
                    sql.Placeholder(f"f_tag{n}"), sql.Placeholder(f"f_tagv{n}")
                )
            )
    return sql.SQL(" AND ").join(parts), params


class DeviceLatestRow(NamedTuple):
    dev_eui: str
    name: str | None
    quantity: str | None
    unit: str | None
    channel: int | None
    time: datetime | None
    value: float | None
    flagged: bool | None


async def latest_of_devices(
    conn: AsyncConnection[Any],
    scope: Scope,
    *,
    quantities: list[str] | None = None,
    after: str | None = None,
    limit: int = 1000,
    where: DeviceFilter | None = None,
) -> list[DeviceLatestRow]:
    """One page of visible devices (by EUI) with the newest value of each of their series.

    Reads the `readings_latest` side table (one row per series), never the hypertable; the
    sort is on integers (text sorts under a locale collation cost 15 ms for 5000 rows).
    """
    visible, params = scope.devices("d")
    condition, more = _device_filter(where or DeviceFilter())
    params |= more | {"after": after, "limit": limit, "quantities": quantities}
    query = sql.SQL(
        """
        WITH page AS (
            SELECT d.id, d.dev_eui, d.name, row_number() OVER (ORDER BY d.dev_eui) AS n
            FROM devices d
            WHERE {visible} AND {condition}
              AND (%(after)s::text IS NULL OR d.dev_eui > %(after)s)
            ORDER BY d.dev_eui
            LIMIT %(limit)s
        )
        SELECT p.dev_eui, p.name, q.name AS quantity, q.unit, r.channel, r.time, r.value,
               r.flagged
        FROM page p
        LEFT JOIN readings_latest r ON r.device_id = p.id AND {quantity_ids}
        LEFT JOIN quantities q ON q.id = r.quantity_id
        ORDER BY p.n, r.quantity_id, r.channel
        """
    ).format(visible=visible, condition=condition, quantity_ids=QUANTITY_IDS)
    # Plain binary tuples: a dataclass per row costs 3 ms per 1000 rows, more than the query.
    cur = conn.cursor(binary=True)
    await cur.execute(query, params)
    return [DeviceLatestRow._make(r) for r in await cur.fetchall()]


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
    quantities: list[str] | None,
    start: datetime,
    end: datetime,
    limit: int,
) -> list[SeriesPoint]:
    """Raw readings of one device in [start, end), oldest first."""
    query = sql.SQL(
        """
        SELECT q.name AS quantity, q.unit, r.channel, r.time, r.value, r.flagged
        FROM readings r JOIN quantities q ON q.id = r.quantity_id
        WHERE r.device_id = %(device)s AND r.time >= %(start)s AND r.time < %(end)s
          AND {quantity_ids}
        ORDER BY r.time, q.name, r.channel
        LIMIT %(limit)s
        """
    ).format(quantity_ids=QUANTITY_IDS)
    return await _series(conn, query, device_id, quantities, start, end, limit)


async def _series(
    conn: AsyncConnection[Any],
    query: sql.Composed,
    device_id: int,
    quantities: list[str] | None,
    start: datetime,
    end: datetime,
    limit: int,
    **extra: Any,
) -> list[SeriesPoint]:
    """Run one of the series queries, which share their parameters."""
    cur = conn.cursor(row_factory=class_row(SeriesPoint))
    params = {"device": device_id, "start": start, "end": end, "quantities": quantities}
    await cur.execute(query, params | {"limit": limit} | extra)
    return await cur.fetchall()


async def rollup_series(
    conn: AsyncConnection[Any],
    device_id: int,
    quantities: list[str] | None,
    start: datetime,
    end: datetime,
    *,
    bucket: Literal["hour", "day"],
    agg: RollupAgg,
    limit: int,
) -> list[SeriesPoint]:
    """Hourly or daily buckets from the rollups; `start` belongs to the first bucket."""
    query = sql.SQL(
        """
        SELECT q.name AS quantity, q.unit, r.channel, r.bucket AS time, ({value})::float8 AS value
        FROM {view} r JOIN quantities q ON q.id = r.quantity_id
        WHERE r.device_id = %(device)s AND r.bucket >= %(start)s AND r.bucket < %(end)s
          AND {quantity_ids}
        ORDER BY r.bucket, q.name, r.channel
        LIMIT %(limit)s
        """
    ).format(
        value=ROLLUP_VALUES[agg],
        view=sql.Identifier(ROLLUP_VIEWS[bucket]),
        quantity_ids=QUANTITY_IDS,
    )
    return await _series(conn, query, device_id, quantities, start, end, limit)


async def bucketed_series(
    conn: AsyncConnection[Any],
    device_id: int,
    quantities: list[str] | None,
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
          AND NOT r.flagged AND {quantity_ids}
        GROUP BY 1, 2, 3, 4
        ORDER BY 4, 1, 3
        LIMIT %(limit)s
        """
    ).format(agg=AGG_FUNCTIONS[agg], quantity_ids=QUANTITY_IDS)
    return await _series(conn, query, device_id, quantities, start, end, limit, width=width)


@dataclass(frozen=True, slots=True)
class LatestPage:
    """One page of `latest_of_devices_json`: the JSON array, its size and its last EUI."""

    body: bytes
    devices: int
    last_eui: str | None


async def latest_of_devices_json(
    conn: AsyncConnection[Any],
    scope: Scope,
    *,
    quantities: list[str] | None = None,
    after: str | None = None,
    limit: int = 1000,
    where: DeviceFilter | None = None,
) -> LatestPage:
    """`latest_of_devices` as the JSON array the API answers, built by PostgreSQL.

    The hot path of the dashboard: 1000 devices x 5 series are 5000 objects, which cost
    more to build in Python than the query takes; PostgreSQL builds them in a few ms.
    Times are RFC 3339 UTC with microseconds.
    """
    visible, params = scope.devices("d")
    condition, more = _device_filter(where or DeviceFilter())
    params |= more | {"after": after, "limit": limit, "quantities": quantities}
    query = sql.SQL(
        """
        WITH page AS (
            SELECT d.id, d.dev_eui, d.name, row_number() OVER (ORDER BY d.dev_eui) AS n
            FROM devices d
            WHERE {visible} AND {condition}
              AND (%(after)s::text IS NULL OR d.dev_eui > %(after)s)
            ORDER BY d.dev_eui
            LIMIT %(limit)s
        ), series AS (
            SELECT r.device_id, json_agg(json_build_object(
                       'quantity', q.name, 'value', r.value, 'unit', q.unit,
                       'time', to_char(r.time AT TIME ZONE 'UTC',
                                       'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'channel', r.channel, 'flagged', r.flagged)
                   ORDER BY r.quantity_id, r.channel) AS readings
            FROM readings_latest r JOIN quantities q ON q.id = r.quantity_id
            WHERE r.device_id IN (SELECT id FROM page) AND {quantity_ids}
            GROUP BY r.device_id
        )
        SELECT coalesce(json_agg(json_build_object(
                   'dev_eui', p.dev_eui, 'name', p.name,
                   'readings', coalesce(s.readings, '[]'::json)) ORDER BY p.n), '[]'::json)::text,
               count(*), max(p.dev_eui COLLATE "C")
        FROM page p LEFT JOIN series s ON s.device_id = p.id
        """
    ).format(visible=visible, condition=condition, quantity_ids=QUANTITY_IDS)
    cur = await conn.execute(query, params)
    row = await cur.fetchone()
    assert row is not None  # an aggregate without GROUP BY always yields a row
    return LatestPage(body=str(row[0]).encode(), devices=int(row[1]), last_eui=row[2])


@dataclass(frozen=True, slots=True)
class AggregatePoint:
    quantity: str
    unit: str
    time: datetime
    value: float | None
    samples: int
    devices: int


async def region_aggregate(
    conn: AsyncConnection[Any],
    scope: Scope,
    quantities: list[str],
    start: datetime,
    end: datetime,
    *,
    bucket: Literal["hour", "day"],
    agg: RollupAgg,
    where: DeviceFilter,
    limit: int,
) -> list[AggregatePoint]:
    """One value per bucket and quantity over all visible devices the filter selects.

    Reads the rollups with the devices' ids as an array (perf.md: an index-driven plan, where
    a join scans); the rollups exclude flagged readings.
    """
    visible, params = scope.devices("d")
    condition, more = _device_filter(where)
    params |= more | {"start": start, "end": end, "quantities": quantities, "limit": limit}
    query = sql.SQL(
        """
        SELECT q.name AS quantity, q.unit, r.bucket AS time, ({agg})::float8 AS value,
               sum(r.samples)::bigint AS samples, count(DISTINCT r.device_id)::int AS devices
        FROM {view} r JOIN quantities q ON q.id = r.quantity_id
        WHERE r.device_id = ANY(ARRAY(SELECT d.id FROM devices d WHERE {visible} AND {condition}))
          AND r.bucket >= %(start)s AND r.bucket < %(end)s AND {quantity_ids}
        GROUP BY q.name, q.unit, r.bucket
        ORDER BY r.bucket, q.name
        LIMIT %(limit)s
        """
    ).format(
        agg=REGION_AGGREGATES[agg],
        view=sql.Identifier(ROLLUP_VIEWS[bucket]),
        visible=visible,
        condition=condition,
        quantity_ids=QUANTITY_IDS,
    )
    cur = conn.cursor(row_factory=class_row(AggregatePoint))
    await cur.execute(query, params)
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
        ORDER BY d.dev_eui COLLATE "C", l.quantity_id, l.channel
        LIMIT %(limit)s
        """
    ).format(visible=visible)
    cur = conn.cursor(binary=True)
    await cur.execute(query, params)
    return [MapPoint._make(r) for r in await cur.fetchall()]


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


@dataclass(frozen=True, slots=True)
class HistogramBin:
    low: float
    high: float
    count: int


async def gateway_histograms(
    conn: AsyncConnection[Any], gateway_id: int, *, rssi_width: float = 10.0, snr_width: float = 2.5
) -> tuple[list[HistogramBin], list[HistogramBin], dict[str, float | None]]:
    """RSSI and SNR distributions of the last 7 days' receptions, with quartiles and p10/p90."""
    params = {"gw": gateway_id, "rw": rssi_width, "sw": snr_width}
    bins: list[list[HistogramBin]] = []
    for column, width in (("rssi", "rw"), ("snr", "sw")):
        cur = await conn.execute(
            sql.SQL(
                """
                SELECT floor({c} / %({w})s) * %({w})s AS low, count(*) AS n
                FROM receptions
                WHERE gateway_id = %(gw)s AND time > now() - interval '7 days'
                  AND {c} IS NOT NULL
                GROUP BY 1 ORDER BY 1
                """
            ).format(c=sql.Identifier(column), w=sql.SQL(width)),
            params,
        )
        step = rssi_width if column == "rssi" else snr_width
        bins.append(
            [HistogramBin(float(r[0]), float(r[0]) + step, int(r[1])) for r in await cur.fetchall()]
        )
    cur = await conn.execute(
        """
        SELECT percentile_cont(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY rssi),
               percentile_cont(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY snr)
        FROM receptions WHERE gateway_id = %(gw)s AND time > now() - interval '7 days'
        """,
        params,
    )
    row = await cur.fetchone()
    rssi_p = (row[0] if row else None) or [None, None, None]
    snr_p = (row[1] if row else None) or [None, None, None]
    percentiles = {
        "rssi_p10": rssi_p[0],
        "rssi_p50": rssi_p[1],
        "rssi_p90": rssi_p[2],
        "snr_p10": snr_p[0],
        "snr_p50": snr_p[1],
        "snr_p90": snr_p[2],
    }
    return bins[0], bins[1], percentiles


@dataclass(frozen=True, slots=True)
class CoverageSample:
    latitude: float
    longitude: float
    gateway_id: int
    device_id: int
    best_rssi: float | None
    best_snr: float | None
    receptions: int


async def coverage_samples(
    conn: AsyncConnection[Any], scope: Scope, *, days: int = 30, limit: int = 200_000
) -> list[CoverageSample]:
    """Per (located device, gateway): the best RSSI and SNR heard in the last `days` days.

    Only receptions where both the gateway and the device are visible to the caller count:
    a public coverage map never places someone's private device, even coarsely.
    """
    gw_visible, params = scope.gateways("g")
    dev_visible, more = scope.devices("d")
    params |= more | {"days": days, "limit": limit}
    query = sql.SQL(
        """
        SELECT d.latitude, d.longitude, r.gateway_id, r.device_id,
               max(r.rssi)::float8 AS best_rssi, max(r.snr)::float8 AS best_snr,
               count(*) AS receptions
        FROM receptions r
        JOIN gateways g ON g.id = r.gateway_id
        JOIN devices d ON d.id = r.device_id
        WHERE r.time > now() - make_interval(days => %(days)s)
          AND {gw_visible} AND {dev_visible}
          AND d.latitude IS NOT NULL AND d.longitude IS NOT NULL
        GROUP BY d.latitude, d.longitude, r.gateway_id, r.device_id
        LIMIT %(limit)s
        """
    ).format(gw_visible=gw_visible, dev_visible=dev_visible)
    cur = conn.cursor(row_factory=class_row(CoverageSample))
    await cur.execute(query, params)
    return await cur.fetchall()


@dataclass(frozen=True, slots=True)
class RadioDay:
    day: datetime
    uplinks: int
    rssi_avg: float | None
    rssi_max: float | None
    snr_avg: float | None
    snr_max: float | None


@dataclass(frozen=True, slots=True)
class DeviceHealthRow:
    last_uplink_at: datetime | None
    uplinks_24h: int
    uplinks_7d: int
    first_uplink_7d: datetime | None
    battery_reading: float | None
    battery_reading_at: datetime | None
    rssi_slope_per_day: float | None
    snr_slope_per_day: float | None
    days: list[RadioDay] = field(default_factory=list)


async def device_health(conn: AsyncConnection[Any], device_id: int) -> DeviceHealthRow:
    """Uplink counts, the battery_level reading and the radio trend of one device (7 days).

    `device_id` comes from a scoped `get_device`. The radio figures are per uplink: the best
    reception among the gateways that heard it.
    """
    cur = await conn.execute(
        """
        SELECT max(received_at),
               count(*) FILTER (WHERE received_at > now() - interval '24 hours'),
               count(*), min(received_at)
        FROM uplinks WHERE device_id = %(d)s AND received_at > now() - interval '7 days'
        """,
        {"d": device_id},
    )
    counts = await cur.fetchone()
    assert counts is not None
    cur = await conn.execute(
        """
        SELECT l.value, l.time FROM readings_latest l JOIN quantities q ON q.id = l.quantity_id
        WHERE l.device_id = %(d)s AND q.name = 'battery_level' ORDER BY l.channel LIMIT 1
        """,
        {"d": device_id},
    )
    battery = await cur.fetchone()
    cur = await conn.execute(
        """
        WITH best AS (
            SELECT time, max(rssi) AS rssi, max(snr) AS snr FROM receptions
            WHERE device_id = %(d)s AND time > now() - interval '7 days' GROUP BY time
        )
        SELECT regr_slope(rssi, extract(epoch FROM time) / 86400.0),
               regr_slope(snr, extract(epoch FROM time) / 86400.0)
        FROM best
        """,
        {"d": device_id},
    )
    slopes = await cur.fetchone()
    days_cur = conn.cursor(row_factory=class_row(RadioDay))
    await days_cur.execute(
        """
        WITH best AS (
            SELECT time, max(rssi) AS rssi, max(snr) AS snr FROM receptions
            WHERE device_id = %(d)s AND time > now() - interval '7 days' GROUP BY time
        )
        SELECT time_bucket(interval '1 day', time) AS day, count(*) AS uplinks,
               avg(rssi)::float8 AS rssi_avg, max(rssi)::float8 AS rssi_max,
               avg(snr)::float8 AS snr_avg, max(snr)::float8 AS snr_max
        FROM best GROUP BY 1 ORDER BY 1
        """,
        {"d": device_id},
    )
    return DeviceHealthRow(
        last_uplink_at=counts[0],
        uplinks_24h=int(counts[1]),
        uplinks_7d=int(counts[2]),
        first_uplink_7d=counts[3],
        battery_reading=None if battery is None else float(battery[0]),
        battery_reading_at=None if battery is None else battery[1],
        rssi_slope_per_day=None if slopes is None or slopes[0] is None else float(slopes[0]),
        snr_slope_per_day=None if slopes is None or slopes[1] is None else float(slopes[1]),
        days=await days_cur.fetchall(),
    )


# --- API keys ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyScope:
    """Which keys a caller may see: all (admin), one organisation's, or only its own."""

    organization_id: int | None = None
    key_id: int | None = None

    def predicate(self) -> tuple[sql.Composable, dict[str, Any]]:
        if self.key_id is not None:
            return sql.SQL("k.id = %(ks_key)s"), {"ks_key": self.key_id}
        if self.organization_id is not None:
            return sql.SQL("k.organization_id = %(ks_org)s"), {"ks_org": self.organization_id}
        return sql.SQL("TRUE"), {}


@dataclass(frozen=True, slots=True)
class KeyRow:
    id: int
    organization_id: int
    organization: str
    role: str
    key_prefix: str
    name: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


KEY_COLUMNS = sql.SQL(
    "k.id, k.organization_id, o.name AS organization, k.role, k.key_prefix, k.name, "
    "k.created_at, k.last_used_at, k.revoked_at"
)


async def list_keys(
    conn: AsyncConnection[Any],
    scope: KeyScope,
    *,
    revoked: bool | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[KeyRow]:
    """The keys the caller may see, by id; never their hashes."""
    visible, params = scope.predicate()
    params |= {"revoked": revoked, "after": after, "limit": limit}
    query = sql.SQL(
        """
        SELECT {columns} FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE {visible}
          AND (%(revoked)s::bool IS NULL OR (k.revoked_at IS NOT NULL) = %(revoked)s)
          AND (%(after)s::int IS NULL OR k.id > %(after)s)
        ORDER BY k.id LIMIT %(limit)s
        """
    ).format(columns=KEY_COLUMNS, visible=visible)
    cur = conn.cursor(row_factory=class_row(KeyRow))
    await cur.execute(query, params)
    return await cur.fetchall()


async def get_key(conn: AsyncConnection[Any], scope: KeyScope, key_id: int) -> KeyRow:
    visible, params = scope.predicate()
    params["id"] = key_id
    query = sql.SQL(
        """
        SELECT {columns} FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE k.id = %(id)s AND {visible}
        """
    ).format(columns=KEY_COLUMNS, visible=visible)
    cur = conn.cursor(row_factory=class_row(KeyRow))
    await cur.execute(query, params)
    row = await cur.fetchone()
    if row is None:
        raise NotFoundError(f"API key {key_id}")
    return row


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
