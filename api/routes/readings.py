"""Readings across devices: the map view of the newest value per device and quantity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CallerDep, ConnDep
from api.errors import InvalidParameterError
from api.schemas import MapCollection, MapFeature, MapProperties, Point
from decoders.quantities import QUANTITIES
from storage.readings import map_latest

router = APIRouter(prefix="/v1/readings", tags=["readings"])


@router.get("/latest", response_model=MapCollection)
async def read_map(
    conn: ConnDep,
    caller: CallerDep,
    quantity: Annotated[
        str | None, Query(description="canonical quantity; all when omitted")
    ] = None,
    bbox: Annotated[
        str | None, Query(description="west,south,east,north in WGS84 degrees (RFC 7946 order)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 10_000,
) -> MapCollection:
    """GeoJSON of the newest reading per visible, located device (one feature per series)."""
    if quantity is not None and quantity not in QUANTITIES:
        raise InvalidParameterError(
            "quantity", f"quantity {quantity!r} is not in the vocabulary (e.g. air_temperature)"
        )
    points = await map_latest(
        conn, caller.scope, quantity=quantity, bbox=parse_bbox(bbox), limit=limit
    )
    return MapCollection(
        features=[
            MapFeature(
                id=f"{p.dev_eui}/{p.quantity}/{p.channel}",
                geometry=Point(coordinates=[p.longitude, p.latitude]),
                properties=MapProperties(
                    dev_eui=p.dev_eui,
                    name=p.name,
                    quantity=p.quantity,
                    channel=p.channel,
                    value=p.value,
                    unit=p.unit,
                    time=p.time,
                    flagged=p.flagged,
                ),
            )
            for p in points
        ]
    )


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    message = "bbox must be four numbers west,south,east,north with west<=east and south<=north"
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidParameterError("bbox", f"{message}; got {text!r}") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidParameterError("bbox", f"{message}; got {text!r}")
    return west, south, east, north
