"""Coverage: the gateways the caller may see, as GeoJSON points with what each heard."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CallerDep, ConnDep
from api.schemas import CoverageCollection, CoverageFeature, CoverageProperties, Point
from storage.readings import coverage

router = APIRouter(prefix="/v1", tags=["gateways"])


@router.get("/coverage", response_model=CoverageCollection)
async def read_coverage(conn: ConnDep, caller: CallerDep) -> CoverageCollection:
    """GeoJSON FeatureCollection of visible gateways with a location and their 7-day traffic."""
    rows = await coverage(conn, caller.scope)
    return CoverageCollection(
        features=[
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
            for r in rows
        ]
    )
