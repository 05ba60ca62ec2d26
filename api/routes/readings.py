"""Readings across devices: the map of newest values, and aggregates over a region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import CallerDep, ConnDep
from api.errors import InvalidParameterError
from api.routes.common import (
    FORMAT_HELP,
    alternative_content,
    as_utc,
    choose_format,
    csv_response,
    fast_json,
    parse_bbox,
    parse_quantities,
    parse_tags,
    with_headers,
)
from api.schemas import MapCollection, RegionAggregate
from decoders import CATALOG
from storage.readings import DeviceFilter, map_latest, region_aggregate

router = APIRouter(prefix="/v1/readings", tags=["readings"])

AGGREGATE_DEFAULT = {"hour": timedelta(days=7), "day": timedelta(days=90)}
AGGREGATE_MAX = {"hour": timedelta(days=92), "day": timedelta(days=3660)}
CATEGORIES = tuple(sorted({spec.category for spec in CATALOG.values()}))


@router.get("/latest", response_model=MapCollection)
async def read_map(
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    quantity: Annotated[
        str | None, Query(description="canonical quantity; all when omitted")
    ] = None,
    bbox: Annotated[
        str | None, Query(description="west,south,east,north in WGS84 degrees (RFC 7946 order)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 10_000,
) -> Any:
    """GeoJSON of the newest reading per visible, located device (one feature per series)."""
    names = parse_quantities([quantity] if quantity is not None else None)
    if names is not None and len(names) > 1:
        raise InvalidParameterError("quantity", "the map shows one quantity or all of them")
    points = await map_latest(
        conn,
        caller.scope,
        quantity=names[0] if names else None,
        bbox=parse_bbox(bbox),
        limit=limit,
    )
    body = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": f"{p.dev_eui}/{p.quantity}/{p.channel}",
                "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
                "properties": {
                    "dev_eui": p.dev_eui,
                    "name": p.name,
                    "quantity": p.quantity,
                    "channel": p.channel,
                    "value": p.value,
                    "unit": p.unit,
                    "time": p.time,
                    "flagged": p.flagged,
                },
            }
            for p in points
        ],
    }
    return with_headers(fast_json(body), response)


@router.get("/aggregate", response_model=RegionAggregate, responses=alternative_content("csv"))
async def read_aggregate(
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    quantity: Annotated[
        list[str], Query(description="canonical quantities (repeat or comma-separate)")
    ],
    bbox: Annotated[
        str | None, Query(description="west,south,east,north in WGS84 degrees (RFC 7946 order)")
    ] = None,
    type: Annotated[str | None, Query(description="only devices of this decoder type")] = None,
    category: Annotated[
        str | None, Query(description="only devices of this category: " + ", ".join(CATEGORIES))
    ] = None,
    tag: Annotated[list[str] | None, Query(description="key or key:value; repeatable")] = None,
    start: Annotated[
        datetime | None, Query(alias="from", description="ISO 8601; default 7 d (hour) / 90 d")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601; default now")] = None,
    bucket: Annotated[Literal["hour", "day"], Query()] = "day",
    agg: Annotated[Literal["avg", "min", "max", "sum", "count"], Query()] = "avg",
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
    format: Annotated[Literal["json", "csv"] | None, Query(description=FORMAT_HELP)] = None,
) -> Any:
    """One value per bucket over all visible devices in a region (and of a type or category).

    From the hourly and daily rollups: `avg` is weighted by the readings behind each
    device's bucket; `count` is the number of readings. Only devices the caller may see
    contribute, so the public aggregates open data only.
    """
    names = parse_quantities(quantity)
    if names is None:
        raise InvalidParameterError("quantity", "name at least one quantity, e.g. air_temperature")
    chosen = choose_format(request, format, ("json", "csv"))
    type_ids: list[str] | None = None
    if category is not None:
        if category not in CATEGORIES:
            raise InvalidParameterError(
                "category", f"category must be one of {', '.join(CATEGORIES)}; got {category!r}"
            )
        type_ids = sorted(t for t, s in CATALOG.items() if s.category == category)
    if type is not None:
        type_ids = [t for t in (type_ids or [type]) if t == type]
    where = DeviceFilter(type_ids=type_ids, tags=parse_tags(tag), bbox=parse_bbox(bbox))
    width = timedelta(hours=1) if bucket == "hour" else timedelta(days=1)
    window_to = as_utc(end) or datetime.now(UTC)
    window_from = as_utc(start) or window_to - AGGREGATE_DEFAULT[bucket]
    if window_from >= window_to:
        raise InvalidParameterError("from", "from must be before to")
    if window_to - window_from > AGGREGATE_MAX[bucket]:
        raise InvalidParameterError(
            "to",
            f"bucket={bucket} allows at most {AGGREGATE_MAX[bucket].days} days between from and to",
        )
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    window_from = epoch + ((window_from - epoch) // width) * width
    points = await region_aggregate(
        conn, caller.scope, names, window_from, window_to,
        bucket=bucket, agg=agg, where=where, limit=limit + 1,
    )  # fmt: skip
    if chosen == "csv":
        return csv_response(
            ["quantity", "time", "value", "unit", "samples", "devices"],
            ((p.quantity, p.time, p.value, p.unit, p.samples, p.devices) for p in points[:limit]),
            "aggregate.csv",
        )
    body = {
        "bucket": bucket,
        "agg": agg,
        "from": window_from,
        "to": window_to,
        "devices": max((p.devices for p in points), default=0),
        "truncated": len(points) > limit,
        "readings": [
            {
                "quantity": p.quantity,
                "unit": p.unit,
                "time": p.time,
                "value": p.value,
                "samples": p.samples,
                "devices": p.devices,
            }
            for p in points[:limit]
        ],
    }
    return with_headers(fast_json(body), response)
