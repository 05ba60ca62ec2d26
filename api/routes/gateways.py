"""Gateways: list, register or claim, read, change, remove, and what each one heard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import CallerDep, ConnDep, SettingsDep
from api.routes.common import (
    alternative_content,
    choose_format,
    geojson_response,
    next_link,
    owner_for,
    require_authenticated,
    url_for_path,
    write_owner,
)
from api.schemas import (
    GatewayCreate,
    GatewayEui,
    GatewayPublic,
    GatewayStats,
    GatewayUpdate,
    HistogramBin,
)
from storage import api_registry
from storage.readings import (
    GatewayRow,
    gateway_histograms,
    gateway_stats,
    get_gateway,
    list_gateways,
)

router = APIRouter(prefix="/v1/gateways", tags=["gateways"])

EuiPath = Annotated[
    GatewayEui, Path(description="gateway EUI: 16 hex digits, any case, '-' or ':' allowed")
]


def gateway_public(row: GatewayRow) -> GatewayPublic:
    return GatewayPublic(
        eui=row.eui,
        network_id=row.network_id,
        name=row.name,
        organization=row.organization,
        latitude=row.latitude,
        longitude=row.longitude,
        altitude=row.altitude,
        antenna_height_m=row.antenna_height_m,
        antenna_gain_dbi=row.antenna_gain_dbi,
        public=row.public,
        last_seen_at=row.last_seen_at,
    )


@router.get("", response_model=list[GatewayPublic], responses=alternative_content("geojson"))
async def list_visible_gateways(
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
    public: bool | None = None,
    after: Annotated[
        int | None, Query(ge=0, le=2_147_483_647, description="cursor from the Link header")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    format: Annotated[
        Literal["json", "geojson"] | None,
        Query(description="json (default) or geojson: the public gateway map without a key"),
    ] = None,
) -> Any:
    """List the gateways the caller may see; the next page is in the Link header."""
    rows = await list_gateways(
        conn, caller.scope, public=public, after=after, limit=limit, offset=offset
    )
    link = next_link(request, settings, str(rows[-1].id)) if len(rows) == limit else None
    if choose_format(request, format, ("json", "geojson")) == "geojson":
        out = geojson_response(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": r.eui or r.network_id,
                        "geometry": None
                        if r.latitude is None or r.longitude is None
                        else {"type": "Point", "coordinates": [r.longitude, r.latitude]},
                        "properties": gateway_public(r).model_dump(mode="json"),
                    }
                    for r in rows
                ],
            }
        )
        if link:
            out.headers["Link"] = link
        return out
    if link:
        response.headers["Link"] = link
    return [gateway_public(r) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=GatewayPublic)
async def register_gateway(
    body: GatewayCreate,
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> GatewayPublic:
    """Register a gateway, or claim one the network has heard but nobody has registered."""
    require_authenticated(caller)
    owner = await owner_for(conn, caller, body.organization, "gateways")
    caller.require_write(owner, "gateways")
    # Unclaimed = registered only on first sight by the ingestor (its default organisation)
    # or owned by no one; anything registered through the API or an import is 409.
    await api_registry.register_gateway(
        conn,
        api_registry.NewGateway(
            eui=body.eui,
            organization_id=owner,
            name=body.name,
            latitude=body.latitude,
            longitude=body.longitude,
            altitude=body.altitude,
            antenna_height_m=body.antenna_height_m,
            antenna_gain_dbi=body.antenna_gain_dbi,
            public=body.public,
        ),
    )
    row = await get_gateway(conn, caller.scope, body.eui)
    response.headers["Location"] = url_for_path(request, settings, f"/v1/gateways/{body.eui}")
    return gateway_public(row)


@router.get("/{eui}", response_model=GatewayPublic)
async def read_gateway(eui: EuiPath, conn: ConnDep, caller: CallerDep) -> GatewayPublic:
    """Read one gateway."""
    return gateway_public(await get_gateway(conn, caller.scope, eui))


@router.patch("/{eui}", response_model=GatewayPublic)
async def update_gateway(
    eui: EuiPath, body: GatewayUpdate, conn: ConnDep, caller: CallerDep
) -> GatewayPublic:
    """Change a gateway's name, location, antenna or public flag."""
    row = await get_gateway(conn, caller.scope, eui)
    require_authenticated(caller)
    caller.require_write(row.organization_id, f"gateway {eui}")
    changes = body.changes()
    if "organization" in changes:
        changes["organization_id"] = await owner_for(
            conn, caller, changes.pop("organization"), "gateways"
        )
    await api_registry.update_gateway(conn, row.id, changes, owner=write_owner(caller))
    return gateway_public(await get_gateway(conn, caller.scope, eui))


@router.delete("/{eui}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_gateway(eui: EuiPath, conn: ConnDep, caller: CallerDep) -> None:
    """Remove a gateway and the receptions it recorded."""
    row = await get_gateway(conn, caller.scope, eui)
    require_authenticated(caller)
    caller.require_write(row.organization_id, f"gateway {eui}")
    await api_registry.delete_gateway(conn, row.id, owner=write_owner(caller))


@router.get("/{eui}/stats", response_model=GatewayStats)
async def read_gateway_stats(
    eui: EuiPath, conn: ConnDep, caller: CallerDep, settings: SettingsDep
) -> GatewayStats:
    """Uplinks and devices heard (24 h, 7 days), RSSI and SNR distribution, online state.

    Counts and radio figures only: a gateway's owner never learns which devices it heard.
    """
    row = await get_gateway(conn, caller.scope, eui)
    stats = await gateway_stats(conn, row.id)
    rssi_bins, snr_bins, percentiles = await gateway_histograms(conn, row.id)
    seen = [t for t in (row.last_seen_at, stats.last_heard_at) if t is not None]
    online = bool(seen) and datetime.now(UTC) - max(seen) <= timedelta(
        seconds=settings.gateway_online_after_s
    )
    return GatewayStats(
        online=online,
        rssi_histogram=[HistogramBin(low=b.low, high=b.high, count=b.count) for b in rssi_bins],
        snr_histogram=[HistogramBin(low=b.low, high=b.high, count=b.count) for b in snr_bins],
        **percentiles,
        eui=eui,
        uplinks_24h=stats.uplinks_24h,
        uplinks_7d=stats.uplinks_7d,
        devices_24h=stats.devices_24h,
        devices_7d=stats.devices_7d,
        rssi_avg=stats.rssi_avg,
        rssi_min=stats.rssi_min,
        rssi_max=stats.rssi_max,
        snr_avg=stats.snr_avg,
        snr_min=stats.snr_min,
        snr_max=stats.snr_max,
        last_heard_at=stats.last_heard_at,
        last_seen_at=row.last_seen_at,
    )
