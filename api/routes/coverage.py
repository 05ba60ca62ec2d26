"""Coverage: where visible gateways hear devices (H3 cells, best RSSI) and the gateways."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

import h3
from fastapi import APIRouter, Query

from api.deps import CallerDep, ConnDep
from api.schemas import (
    CellFeature,
    CellProperties,
    CoverageCollection,
    CoverageFeature,
    CoverageProperties,
    Point,
    Polygon,
)
from storage.readings import coverage, coverage_samples

router = APIRouter(prefix="/v1", tags=["gateways"])


@dataclass
class _Cell:
    best_rssi: float | None = None
    best_snr: float | None = None
    receptions: int = 0
    gateways: set[int] = field(default_factory=set)
    devices: set[int] = field(default_factory=set)


def _best(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


@router.get("/coverage", response_model=CoverageCollection)
async def read_coverage(
    conn: ConnDep,
    caller: CallerDep,
    layer: Annotated[
        Literal["all", "cells", "gateways"],
        Query(description="cells (H3 polygons), gateways (points) or both"),
    ] = "all",
    resolution: Annotated[
        int, Query(ge=5, le=10, description="H3 resolution; 8 is ~0.7 km² per cell")
    ] = 8,
    days: Annotated[int, Query(ge=1, le=90, description="receptions of the last N days")] = 30,
) -> CoverageCollection:
    """GeoJSON FeatureCollection: H3 cells with the best RSSI heard there, and the gateways.

    A cell is where a device stood when a gateway heard it (the device's registered
    location). Only receptions between a gateway and a device that the caller may both see
    count: the public map is built from public gateways and open-data devices only.
    """
    features: list[CellFeature | CoverageFeature] = []
    if layer in ("all", "cells"):
        cells: dict[str, _Cell] = {}
        for s in await coverage_samples(conn, caller.scope, days=days):
            index = h3.latlng_to_cell(s.latitude, s.longitude, resolution)
            cell = cells.setdefault(index, _Cell())
            cell.best_rssi = _best(cell.best_rssi, s.best_rssi)
            cell.best_snr = _best(cell.best_snr, s.best_snr)
            cell.receptions += s.receptions
            cell.gateways.add(s.gateway_id)
            cell.devices.add(s.device_id)
        for index in sorted(cells):
            cell = cells[index]
            ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(index)]
            ring.append(ring[0])
            features.append(
                CellFeature(
                    id=index,
                    geometry=Polygon(coordinates=[ring]),
                    properties=CellProperties(
                        h3=index,
                        resolution=resolution,
                        best_rssi=cell.best_rssi,
                        best_snr=cell.best_snr,
                        receptions=cell.receptions,
                        gateways=len(cell.gateways),
                        devices=len(cell.devices),
                    ),
                )
            )
    if layer in ("all", "gateways"):
        features.extend(
            CoverageFeature(
                geometry=Point(coordinates=[r.longitude, r.latitude]),
                properties=CoverageProperties(
                    eui=r.eui,
                    network_id=r.network_id,
                    name=r.name,
                    public=r.public,
                    altitude=r.altitude,
                    antenna_height_m=r.antenna_height_m,
                    last_seen_at=r.last_seen_at,
                    uplinks_7d=r.uplinks_7d,
                    devices_7d=r.devices_7d,
                    rssi_avg=r.rssi_avg,
                    snr_avg=r.snr_avg,
                ),
            )
            for r in await coverage(conn, caller.scope)
        )
    return CoverageCollection(features=features)
