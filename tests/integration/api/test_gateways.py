"""Gateways: register and claim, scoped reads, write permissions, stats, coverage; decoders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from tests.integration.api.factories import (
    PROBLEM,
    World,
    add_reception,
    auth,
    make_gateway,
    make_org,
    random_eui,
)

pytestmark = pytest.mark.integration


async def test_register_a_new_gateway(client: httpx.AsyncClient, world: World) -> None:
    eui = random_eui()
    body = {
        "eui": eui.lower(),
        "name": "church tower",
        "latitude": 51.48,
        "longitude": 11.97,
        "altitude": 110.0,
        "antenna_height_m": 25.0,
        "antenna_gain_dbi": 5.8,
        "public": False,
    }
    response = await client.post("/v1/gateways", json=body, headers=auth(world.a_admin_key))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["eui"] == eui
    assert created["organization"] == world.org_a
    assert created["antenna_gain_dbi"] == pytest.approx(5.8)
    assert response.headers["location"].endswith(f"/v1/gateways/{eui}")
    assert (
        await client.get(f"/v1/gateways/{eui}", headers=auth(world.a_member_key))
    ).status_code == 200
    assert (
        await client.get(f"/v1/gateways/{eui}", headers=auth(world.b_member_key))
    ).status_code == 404
    assert (await client.get(f"/v1/gateways/{eui}")).status_code == 404


async def test_claim_a_gateway_seen_first_on_the_air(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    community_id, _ = make_org(db, "community")
    _, eui = make_gateway(db, community_id, registered_by="first_sight", latitude=None)
    response = await client.post(
        "/v1/gateways",
        json={"eui": eui, "name": "my roof", "latitude": 51.3, "longitude": 12.4, "public": True},
        headers=auth(world.b_admin_key),
    )
    assert response.status_code == 201, response.text
    claimed = response.json()
    assert claimed["organization"] == world.org_b
    assert claimed["name"] == "my roof"
    assert claimed["public"] is True
    # owned now: nobody else can claim it
    again = await client.post("/v1/gateways", json={"eui": eui}, headers=auth(world.a_admin_key))
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert "already registered" in again.json()["detail"]


async def test_unowned_gateway_can_be_claimed(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    _, eui = make_gateway(db, None, registered_by="first_sight")
    response = await client.post("/v1/gateways", json={"eui": eui}, headers=auth(world.a_admin_key))
    assert response.status_code == 201
    assert response.json()["organization"] == world.org_a


async def test_register_permissions(client: httpx.AsyncClient, world: World) -> None:
    body = {"eui": random_eui()}
    assert (await client.post("/v1/gateways", json=body)).status_code == 401
    assert (
        await client.post("/v1/gateways", json=body, headers=auth(world.a_member_key))
    ).status_code == 403
    bad = await client.post("/v1/gateways", json={"eui": "nope"}, headers=auth(world.a_admin_key))
    assert bad.status_code == 422
    assert "eui must be 16 hexadecimal digits" in bad.json()["detail"]


async def test_listing_is_scoped(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    _, a_private = make_gateway(db, world.org_a_id)
    _, a_public = make_gateway(db, world.org_a_id, public=True)
    _, b_private = make_gateway(db, world.org_b_id)

    async def listed(key: str | None) -> set[str]:
        found: set[str] = set()
        url: str | None = "/v1/gateways?limit=1000"
        while url:
            response = await client.get(url, headers=auth(key))
            assert response.status_code == 200
            found |= {g["eui"] for g in response.json()}
            link = response.headers.get("link")
            url = link.split(";")[0].strip("<>") if link else None
        return found & {a_private, a_public, b_private}

    assert await listed(None) == {a_public}
    assert await listed(world.a_member_key) == {a_private, a_public}
    assert await listed(world.b_member_key) == {a_public, b_private}
    assert await listed(world.admin_key) == {a_private, a_public, b_private}


async def test_patch_and_delete_permissions(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    _, private = make_gateway(db, world.org_a_id)
    _, public = make_gateway(db, world.org_a_id, public=True)
    change = {"name": "renamed", "antenna_height_m": 12}
    url = f"/v1/gateways/{private.lower()}"
    assert (
        await client.patch(url, json=change, headers=auth(world.a_member_key))
    ).status_code == 403
    assert (
        await client.patch(url, json=change, headers=auth(world.b_admin_key))
    ).status_code == 404
    assert (
        await client.patch(f"/v1/gateways/{public}", json=change, headers=auth(world.b_admin_key))
    ).status_code == 403
    response = await client.patch(url, json=change, headers=auth(world.a_admin_key))
    assert response.status_code == 200
    assert response.json()["name"] == "renamed"
    assert response.json()["antenna_height_m"] == 12
    null = await client.patch(url, json={"public": None}, headers=auth(world.a_admin_key))
    assert null.status_code == 422
    assert (await client.delete(url, headers=auth(world.b_admin_key))).status_code == 404
    assert (await client.delete(url, headers=auth(world.a_member_key))).status_code == 403
    assert (await client.delete(url, headers=auth(world.a_admin_key))).status_code == 204
    assert (await client.get(url, headers=auth(world.admin_key))).status_code == 404


async def test_stats_count_traffic_of_every_org_without_naming_it(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    gateway_id, eui = make_gateway(db, world.org_a_id)
    now = datetime.now(UTC)
    # heard org B's private device (2 uplinks today, 1 three days ago) and org A's (1 today)
    add_reception(db, world.b_private_id, gateway_id, now - timedelta(hours=1), -100.0, 5.0)
    add_reception(db, world.b_private_id, gateway_id, now - timedelta(hours=2), -110.0, -3.0)
    add_reception(db, world.b_private_id, gateway_id, now - timedelta(days=3), -120.0, -10.0)
    add_reception(db, world.a_private_id, gateway_id, now - timedelta(hours=3), -90.0, 8.0)
    add_reception(
        db, world.a_private_id, gateway_id, now - timedelta(days=9), -50.0, 9.0
    )  # too old

    response = await client.get(f"/v1/gateways/{eui}/stats", headers=auth(world.a_member_key))
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["eui"] == eui
    assert stats["uplinks_24h"] == 3
    assert stats["uplinks_7d"] == 4
    assert stats["devices_24h"] == 2
    assert stats["devices_7d"] == 2
    assert stats["rssi_min"] == -120.0
    assert stats["rssi_max"] == -90.0
    assert stats["rssi_avg"] == pytest.approx(-105.0)
    assert stats["snr_max"] == 8.0
    assert stats["last_heard_at"] is not None
    assert world.b_private not in response.text  # counts, never which devices

    assert (
        await client.get(f"/v1/gateways/{eui}/stats", headers=auth(world.b_admin_key))
    ).status_code == 404
    assert (await client.get(f"/v1/gateways/{eui}/stats")).status_code == 404


async def test_coverage_is_geojson_of_visible_gateways(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    public_id, public = make_gateway(db, world.org_a_id, public=True, latitude=51.1, longitude=12.1)
    _, private = make_gateway(db, world.org_b_id)
    _, unlocated = make_gateway(db, world.org_a_id, public=True, latitude=None, longitude=None)
    add_reception(
        db, world.a_open_id, public_id, datetime.now(UTC) - timedelta(hours=1), -95.0, 4.0
    )

    async def coverage(key: str | None) -> dict[str, dict[str, object]]:
        response = await client.get("/v1/coverage", headers=auth(key))
        assert response.status_code == 200
        body = response.json()
        assert body["type"] == "FeatureCollection"
        return {
            f["properties"]["eui"]: f
            for f in body["features"]
            if f["properties"]["kind"] == "gateway"
        }

    anonymous = await coverage(None)
    assert public in anonymous and private not in anonymous and unlocated not in anonymous
    feature = anonymous[public]
    assert feature["geometry"] == {"type": "Point", "coordinates": [12.1, 51.1]}
    props = feature["properties"]
    assert isinstance(props, dict)
    assert props["uplinks_7d"] == 1 and props["devices_7d"] == 1
    assert props["rssi_avg"] == pytest.approx(-95.0)
    assert private in await coverage(world.b_member_key)
    assert private not in await coverage(world.a_member_key)


async def test_decoders_list(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/decoders")
    assert response.status_code == 200
    decoders = response.json()
    assert decoders, "the catalog is empty"
    first = decoders[0]
    assert {"id", "vendor", "model", "category", "f_ports", "quantities"} <= set(first)
    assert "/" in first["id"]
    ids = [d["id"] for d in decoders]
    assert ids == sorted(ids)
