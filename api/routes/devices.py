"""Devices: list, register, read, change, remove; their latest values and their time series."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import CallerDep, ConnDep, SettingsDep
from api.errors import InvalidParameterError
from api.routes.common import as_utc, next_link, owner_for, require_authenticated, url_for_path
from api.schemas import (
    DevEui,
    DeviceCreate,
    DeviceLatest,
    DevicePublic,
    DeviceReadings,
    DeviceUpdate,
    LatestReading,
    SeriesReading,
)
from decoders.quantities import QUANTITIES
from storage import api_registry
from storage.readings import (
    Agg,
    DeviceRow,
    bucketed_series,
    get_device,
    latest,
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


@router.get("", response_model=list[DevicePublic])
async def list_visible_devices(
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
    type: Annotated[str | None, Query(description="decoder type id, e.g. dragino/lse01")] = None,
    open_data: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="part of name or EUI")] = None,
    after: Annotated[
        DevEui | None, Query(description="cursor: the last EUI of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[DevicePublic]:
    """List the devices the caller may see, by EUI; the next page is in the Link header."""
    rows = await list_devices(
        conn,
        caller.scope,
        type_id=type,
        open_data=open_data,
        search=q,
        after=after,
        limit=limit,
        offset=offset,
    )
    if len(rows) == limit:
        response.headers["Link"] = next_link(request, settings, rows[-1].dev_eui)
    return [device_public(r) for r in rows]


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
    await api_registry.update_device(conn, row.id, changes)
    return device_public(await get_device(conn, caller.scope, dev_eui))


@router.delete("/{dev_eui}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_device(dev_eui: DevEuiPath, conn: ConnDep, caller: CallerDep) -> None:
    """Remove a device and all data stored for it."""
    row = await get_device(conn, caller.scope, dev_eui)
    require_authenticated(caller)
    caller.require_write(row.organization_id, f"device {row.dev_eui}")
    await api_registry.delete_device(conn, row.id)


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


@router.get("/{dev_eui}/readings", response_model=DeviceReadings)
async def device_readings(
    dev_eui: DevEuiPath,
    conn: ConnDep,
    caller: CallerDep,
    quantity: Annotated[
        str | None, Query(description="canonical quantity; all when omitted")
    ] = None,
    start: Annotated[
        datetime | None, Query(alias="from", description="ISO 8601; default depends on bucket")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601; default now")] = None,
    bucket: Annotated[
        str, Query(description="raw, hour, day, or a width: 15m, 6h, 2d, 1w")
    ] = "raw",
    agg: Annotated[Literal["avg", "min", "max", "count"], Query()] = "avg",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10_000,
) -> DeviceReadings:
    """A device's readings, raw or aggregated into time buckets, oldest first."""
    if quantity is not None and quantity not in QUANTITIES:
        raise InvalidParameterError(
            "quantity", f"quantity {quantity!r} is not in the vocabulary (e.g. air_temperature)"
        )
    kind, width = parse_bucket(bucket)
    window_from, window_to = resolve_window(as_utc(start), as_utc(end), kind, width)
    row = await get_device(conn, caller.scope, dev_eui)
    aggregate: Agg = agg
    if kind == "raw":
        points = await raw_series(conn, row.id, quantity, window_from, window_to, limit + 1)
    else:
        window_from = floor_to_bucket(window_from, width)
        if kind in ("hour", "day"):
            points = await rollup_series(
                conn, row.id, quantity, window_from, window_to,
                bucket="hour" if kind == "hour" else "day", agg=aggregate, limit=limit + 1,
            )  # fmt: skip
        else:
            points = await bucketed_series(
                conn, row.id, quantity, window_from, window_to,
                width=width, agg=aggregate, limit=limit + 1,
            )  # fmt: skip
    return DeviceReadings(
        dev_eui=row.dev_eui,
        bucket=kind,
        agg=None if kind == "raw" else agg,
        start=window_from,
        end=window_to,
        truncated=len(points) > limit,
        readings=[
            SeriesReading(
                quantity=p.quantity,
                channel=p.channel,
                time=p.time,
                value=p.value,
                unit=p.unit,
                flagged=p.flagged,
            )
            for p in points[:limit]
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
