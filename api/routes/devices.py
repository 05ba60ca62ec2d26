"""Devices: list, register, read, change, remove; their latest values and their time series."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import CallerDep, ConnDep, SettingsDep
from api.errors import InvalidParameterError
from api.routes.common import (
    FORMAT_HELP,
    alternative_content,
    as_utc,
    choose_format,
    csv_response,
    fast_json,
    geojson_response,
    next_link,
    owner_for,
    parse_bbox,
    parse_quantities,
    parse_tags,
    require_authenticated,
    url_for_path,
    with_headers,
    write_owner,
)
from api.schemas import (
    DevEui,
    DeviceCreate,
    DeviceHealth,
    DeviceLatest,
    DeviceLatestItem,
    DevicePublic,
    DeviceReadings,
    DeviceUpdate,
    LatestReading,
    RadioDayPublic,
)
from decoders import CATALOG
from storage import api_registry
from storage.readings import (
    Agg,
    DeviceFilter,
    DeviceRow,
    bucketed_series,
    device_health,
    get_device,
    latest,
    latest_of_devices,
    latest_of_devices_json,
    list_devices,
    raw_series,
    rollup_series,
)

router = APIRouter(prefix="/v1/devices", tags=["devices"])

DevEuiPath = Annotated[
    DevEui, Path(description="device EUI: 16 hex digits, any case, '-' or ':' allowed")
]

BUCKET = re.compile(r"^(\d{1,4})(m|h|d|w)$")
BUCKET_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
                "w": timedelta(weeks=1)}  # fmt: skip
ROLLUP_WIDTHS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
DEFAULT_WINDOW = {"raw": timedelta(hours=24), "hour": timedelta(days=7), "day": timedelta(days=90)}
MAX_WINDOW = {"raw": timedelta(days=31), "hour": timedelta(days=366), "day": timedelta(days=3660)}
MAX_CUSTOM_WINDOW = timedelta(days=366)
MAX_LIMIT = 100_000
BUCKET_ORIGIN = datetime(2000, 1, 3, tzinfo=UTC)  # TimescaleDB's time_bucket origin (a Monday)
BUCKET_HELP = "bucket must be raw, hour, day or a width such as 15m, 6h, 2d or 1w"


def device_public(row: DeviceRow) -> DevicePublic:
    return DevicePublic(
        dev_eui=row.dev_eui,
        name=row.name,
        type_id=row.type_id,
        organization=row.organization,
        latitude=row.latitude,
        longitude=row.longitude,
        altitude=row.altitude,
        open_data=row.open_data,
        tags=row.tags,
        battery_level=row.battery_level,
        last_seen_at=row.last_seen_at,
    )


CATEGORIES = tuple(sorted({spec.category for spec in CATALOG.values()}))
DEVICE_CSV_HEADER = [
    "dev_eui", "name", "type", "latitude", "longitude", "open_data", "altitude",
    "organization", "tags", "battery_level", "last_seen_at",
]  # fmt: skip
GEOJSON_DOC = alternative_content("csv", "geojson")
LATEST_LIMIT = 5000


def device_filter(
    type_id: str | None,
    category: str | None,
    open_data: bool | None,
    q: str | None,
    tag: list[str] | None,
    bbox: str | None,
) -> DeviceFilter:
    type_ids: list[str] | None = None
    if category is not None:
        if category not in CATEGORIES:
            raise InvalidParameterError(
                "category", f"category must be one of {', '.join(CATEGORIES)}; got {category!r}"
            )
        type_ids = sorted(t for t, spec in CATALOG.items() if spec.category == category)
        if type_id is not None:
            type_ids = [t for t in type_ids if t == type_id]
    elif type_id is not None:
        type_ids = [type_id]
    return DeviceFilter(
        type_ids=type_ids,
        open_data=open_data,
        search=q,
        tags=parse_tags(tag),
        bbox=parse_bbox(bbox),
    )


TypeQuery = Annotated[str | None, Query(description="decoder type id, e.g. dragino/lse01")]
CategoryQuery = Annotated[
    str | None, Query(description="decoder category: " + ", ".join(CATEGORIES))
]
TextQuery = Annotated[str | None, Query(max_length=200, description="part of name or EUI")]
TagQuery = Annotated[
    list[str] | None,
    Query(description="key (has the tag) or key:value; repeat to require several"),
]
BboxQuery = Annotated[
    str | None, Query(description="west,south,east,north in WGS84 degrees (RFC 7946 order)")
]
FormatQuery = Annotated[Literal["json", "csv", "geojson"] | None, Query(description=FORMAT_HELP)]


@router.get("", response_model=list[DevicePublic], responses=GEOJSON_DOC)
async def list_visible_devices(
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
    type: TypeQuery = None,
    category: CategoryQuery = None,
    open_data: bool | None = None,
    q: TextQuery = None,
    tag: TagQuery = None,
    bbox: BboxQuery = None,
    after: Annotated[
        DevEui | None, Query(description="cursor: the last EUI of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    format: FormatQuery = None,
) -> Any:
    """List the devices the caller may see, by EUI; the next page is in the Link header.

    CSV starts with the columns `smartregion devices import` reads; GeoJSON has one
    feature per device (geometry null when it has no location).
    """
    rows = await list_devices(
        conn,
        caller.scope,
        after=after,
        limit=limit,
        offset=offset,
        where=device_filter(type, category, open_data, q, tag, bbox),
    )
    link = next_link(request, settings, rows[-1].dev_eui) if len(rows) == limit else None
    chosen = choose_format(request, format, ("json", "csv", "geojson"))
    if chosen == "csv":
        out = csv_response(
            DEVICE_CSV_HEADER,
            (
                (
                    r.dev_eui,
                    r.name,
                    r.type_id,
                    r.latitude,
                    r.longitude,
                    r.open_data,
                    r.altitude,
                    r.organization,
                    r.tags,
                    r.battery_level,
                    r.last_seen_at,
                )
                for r in rows
            ),
            "devices.csv",
        )
    elif chosen == "geojson":
        out = geojson_response(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": r.dev_eui,
                        "geometry": None
                        if r.latitude is None or r.longitude is None
                        else {"type": "Point", "coordinates": [r.longitude, r.latitude]},
                        "properties": device_public(r).model_dump(mode="json"),
                    }
                    for r in rows
                ],
            }
        )
    else:
        if link:
            response.headers["Link"] = link
        return [device_public(r) for r in rows]
    if link:
        out.headers["Link"] = link
    out.headers.update({k: v for k, v in response.headers.items() if k.startswith("ratelimit")})
    return out


@router.get("/latest", response_model=list[DeviceLatestItem], responses=alternative_content("csv"))
async def latest_of_visible_devices(
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
    quantity: Annotated[
        list[str] | None, Query(description="canonical quantities (repeat or comma-separate)")
    ] = None,
    type: TypeQuery = None,
    category: CategoryQuery = None,
    q: TextQuery = None,
    tag: TagQuery = None,
    bbox: BboxQuery = None,
    after: Annotated[
        DevEui | None, Query(description="cursor: the last EUI of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=LATEST_LIMIT)] = 1000,
    format: Annotated[Literal["json", "csv"] | None, Query(description=FORMAT_HELP)] = None,
) -> Any:
    """The newest value of each series of every visible device, one page of devices by EUI."""
    names = parse_quantities(quantity)
    where = device_filter(type, category, None, q, tag, bbox)
    if choose_format(request, format, ("json", "csv")) == "json":
        page = await latest_of_devices_json(
            conn, caller.scope, quantities=names, after=after, limit=limit, where=where
        )
        link = None
        if page.devices == limit and page.last_eui:
            link = next_link(request, settings, page.last_eui)
        return with_headers(Response(page.body, media_type="application/json"), response, link)
    rows = await latest_of_devices(
        conn, caller.scope, quantities=names, after=after, limit=limit, where=where
    )
    last = rows[-1].dev_eui if rows else None
    devices = len({r.dev_eui for r in rows})
    link = next_link(request, settings, last) if devices == limit and last else None
    out = csv_response(
        ["dev_eui", "name", "quantity", "channel", "time", "value", "unit", "flagged"],
        (
            (r.dev_eui, r.name, r.quantity, r.channel, r.time, r.value, r.unit, r.flagged)
            for r in rows
            if r.quantity is not None
        ),
        "latest.csv",
    )
    return with_headers(out, response, link)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DevicePublic)
async def register_device(
    body: DeviceCreate,
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> DevicePublic:
    """Register a device in the caller's organisation (admins may name another)."""
    require_authenticated(caller)
    owner = await owner_for(conn, caller, body.organization, "devices")
    caller.require_write(owner, "devices")
    # DevEUIs are globally unique, so a conflict necessarily reveals that the EUI is taken,
    # even when the device belongs to someone else; it says no more than that.
    await api_registry.create_device(
        conn,
        api_registry.NewDevice(
            dev_eui=body.dev_eui,
            organization_id=owner,
            name=body.name,
            type_id=body.type_id,
            latitude=body.latitude,
            longitude=body.longitude,
            altitude=body.altitude,
            open_data=body.open_data,
            tags=body.tags,
        ),
    )
    row = await get_device(conn, caller.scope, body.dev_eui)
    response.headers["Location"] = url_for_path(request, settings, f"/v1/devices/{row.dev_eui}")
    return device_public(row)


@router.get("/{dev_eui}", response_model=DevicePublic)
async def read_device(dev_eui: DevEuiPath, conn: ConnDep, caller: CallerDep) -> DevicePublic:
    """Read one device."""
    return device_public(await get_device(conn, caller.scope, dev_eui))


@router.patch("/{dev_eui}", response_model=DevicePublic)
async def update_device(
    dev_eui: DevEuiPath, body: DeviceUpdate, conn: ConnDep, caller: CallerDep
) -> DevicePublic:
    """Change a device's name, type, location, open-data flag or tags."""
    row = await get_device(conn, caller.scope, dev_eui)
    require_authenticated(caller)
    caller.require_write(row.organization_id, f"device {row.dev_eui}")
    changes = body.changes()
    if "organization" in changes:
        changes["organization_id"] = await owner_for(
            conn, caller, changes.pop("organization"), "devices"
        )
    await api_registry.update_device(conn, row.id, changes, owner=write_owner(caller))
    return device_public(await get_device(conn, caller.scope, dev_eui))


@router.delete("/{dev_eui}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_device(dev_eui: DevEuiPath, conn: ConnDep, caller: CallerDep) -> None:
    """Remove a device and all data stored for it."""
    row = await get_device(conn, caller.scope, dev_eui)
    require_authenticated(caller)
    caller.require_write(row.organization_id, f"device {row.dev_eui}")
    await api_registry.delete_device(conn, row.id, owner=write_owner(caller))


@router.get("/{dev_eui}/latest", response_model=DeviceLatest)
async def device_latest(dev_eui: DevEuiPath, conn: ConnDep, caller: CallerDep) -> DeviceLatest:
    """The newest value of each quantity and the vendor fields of the last decoded uplink."""
    row = await get_device(conn, caller.scope, dev_eui)
    found = await latest(conn, row.id)
    return DeviceLatest(
        dev_eui=row.dev_eui,
        time=found.time,
        fields=found.fields,
        readings=[
            LatestReading(
                quantity=r.quantity,
                value=r.value,
                unit=r.unit,
                time=r.time,
                channel=r.channel,
                flagged=r.flagged,
            )
            for r in found.readings
        ],
    )


@router.get(
    "/{dev_eui}/readings", response_model=DeviceReadings, responses=alternative_content("csv")
)
async def device_readings(
    request: Request,
    response: Response,
    dev_eui: DevEuiPath,
    conn: ConnDep,
    caller: CallerDep,
    quantity: Annotated[
        list[str] | None,
        Query(description="canonical quantities (repeat or comma-separate); all when omitted"),
    ] = None,
    start: Annotated[
        datetime | None, Query(alias="from", description="ISO 8601; default depends on bucket")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601; default now")] = None,
    bucket: Annotated[
        str, Query(description="raw, hour, day, or a width: 15m, 6h, 2d, 1w")
    ] = "raw",
    agg: Annotated[
        Literal["avg", "min", "max", "sum", "count", "last"],
        Query(description="per bucket; `last` is the newest value in the bucket"),
    ] = "avg",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10_000,
    format: Annotated[Literal["json", "csv"] | None, Query(description=FORMAT_HELP)] = None,
) -> Any:
    """A device's readings, raw or aggregated into time buckets, oldest first.

    Hourly and daily buckets come from the rollups (flagged readings left out); other
    widths and `agg=last` are computed from the raw readings.
    """
    names = parse_quantities(quantity)
    chosen = choose_format(request, format, ("json", "csv"))
    kind, width = parse_bucket(bucket)
    window_from, window_to = resolve_window(as_utc(start), as_utc(end), kind, width)
    row = await get_device(conn, caller.scope, dev_eui)
    aggregate: Agg = agg
    if kind == "raw":
        points = await raw_series(conn, row.id, names, window_from, window_to, limit + 1)
    else:
        window_from = floor_to_bucket(window_from, width)
        if kind in ("hour", "day") and aggregate != "last":
            points = await rollup_series(
                conn, row.id, names, window_from, window_to,
                bucket="hour" if kind == "hour" else "day", agg=aggregate, limit=limit + 1,
            )  # fmt: skip
        else:
            points = await bucketed_series(
                conn, row.id, names, window_from, window_to,
                width=width, agg=aggregate, limit=limit + 1,
            )  # fmt: skip
    if chosen == "csv":
        return csv_response(
            ["dev_eui", "quantity", "channel", "time", "value", "unit", "flagged"],
            (
                (row.dev_eui, p.quantity, p.channel, p.time, p.value, p.unit, p.flagged)
                for p in points[:limit]
            ),
            f"{row.dev_eui}.csv",
        )
    body = {
        "dev_eui": row.dev_eui,
        "bucket": kind,
        "agg": None if kind == "raw" else agg,
        "from": window_from,
        "to": window_to,
        "truncated": len(points) > limit,
        "readings": [
            {"quantity": p.quantity, "channel": p.channel, "time": p.time, "value": p.value,
             "unit": p.unit, "flagged": p.flagged}
            for p in points[:limit]
        ],
    }  # fmt: skip
    return with_headers(fast_json(body), response)


STALE_MINIMUM = timedelta(minutes=15)
STALE_UNKNOWN = timedelta(hours=24)


@router.get("/{dev_eui}/health", response_model=DeviceHealth)
async def device_health_report(
    dev_eui: DevEuiPath, conn: ConnDep, caller: CallerDep
) -> DeviceHealth:
    """Last seen, battery, uplink counts, RSSI and SNR trend over 7 days, and a stale flag."""
    row = await get_device(conn, caller.scope, dev_eui)
    found = await device_health(conn, row.id)
    seen = [t for t in (row.last_seen_at, found.last_uplink_at) if t is not None]
    last_seen = max(seen) if seen else None
    interval: float | None = None
    if found.uplinks_7d > 1 and found.first_uplink_7d and found.last_uplink_at:
        span = (found.last_uplink_at - found.first_uplink_7d).total_seconds()
        interval = span / (found.uplinks_7d - 1) if span > 0 else None
    stale_after = max(STALE_MINIMUM, timedelta(seconds=3 * interval)) if interval else STALE_UNKNOWN
    stale = last_seen is None or datetime.now(UTC) - last_seen > stale_after
    battery, battery_at = found.battery_reading, found.battery_reading_at
    if battery is None and row.battery_level is not None:
        battery, battery_at = row.battery_level, None
    return DeviceHealth(
        dev_eui=row.dev_eui,
        last_seen_at=last_seen,
        battery_level=battery,
        battery_level_at=battery_at,
        uplinks_24h=found.uplinks_24h,
        uplinks_7d=found.uplinks_7d,
        expected_interval_s=None if interval is None else round(interval, 1),
        stale=stale,
        stale_after_s=stale_after.total_seconds(),
        rssi_trend_db_per_day=found.rssi_slope_per_day,
        snr_trend_db_per_day=found.snr_slope_per_day,
        radio_days=[
            RadioDayPublic(
                day=d.day,
                uplinks=d.uplinks,
                rssi_avg=d.rssi_avg,
                rssi_max=d.rssi_max,
                snr_avg=d.snr_avg,
                snr_max=d.snr_max,
            )
            for d in found.days
        ],
    )


def parse_bucket(bucket: str) -> tuple[str, timedelta]:
    """'raw' | 'hour' | 'day' | '<n><m|h|d|w>' -> (name, width); 1h and 1d use the rollups."""
    text = bucket.strip().lower()
    if text in ("raw", ""):
        return "raw", timedelta(0)
    if text in ("hour", "1h"):
        return "hour", ROLLUP_WIDTHS["hour"]
    if text in ("day", "1d"):
        return "day", ROLLUP_WIDTHS["day"]
    match = BUCKET.match(text)
    if match is None:
        raise InvalidParameterError("bucket", f"{BUCKET_HELP}; got {bucket!r}")
    width = int(match[1]) * BUCKET_UNITS[match[2]]
    if not timedelta(minutes=1) <= width <= timedelta(days=366):
        raise InvalidParameterError(
            "bucket", f"bucket width must be between 1 minute and 366 days; got {bucket!r}"
        )
    return text, width


def resolve_window(
    start: datetime | None, end: datetime | None, kind: str, width: timedelta
) -> tuple[datetime, datetime]:
    """Fill in defaults and refuse reversed or oversized windows, naming the limit."""
    if kind in DEFAULT_WINDOW:
        default, maximum = DEFAULT_WINDOW[kind], MAX_WINDOW[kind]
    else:
        default = min(max(width * 96, timedelta(hours=24)), timedelta(days=31))
        maximum = MAX_CUSTOM_WINDOW
    if end is None:
        end = datetime.now(UTC)
    if start is None:
        start = end - default
    if start >= end:
        raise InvalidParameterError(
            "from",
            f"from must be before to; got from={start.isoformat()} and to={end.isoformat()}",
        )
    if end - start > maximum:
        hint = "; use bucket=hour or bucket=day for longer spans" if kind == "raw" else ""
        raise InvalidParameterError(
            "to",
            f"the window from..to spans {(end - start).days} days, but bucket={kind} allows "
            f"at most {maximum.days} days{hint}",
        )
    return start, end


def floor_to_bucket(moment: datetime, width: timedelta) -> datetime:
    """The start of the bucket `moment` falls in, so the first bucket is whole."""
    return BUCKET_ORIGIN + ((moment - BUCKET_ORIGIN) // width) * width
