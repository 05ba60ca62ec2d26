"""Devices: each role sees exactly its share; writes by role; EUIs in any form; clear 422s."""

from __future__ import annotations

import httpx
import psycopg
import pytest

from tests.integration.api.factories import (
    PROBLEM,
    World,
    auth,
    make_device,
    make_key,
    make_org,
    random_eui,
)

pytestmark = pytest.mark.integration


def euis(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {d["dev_eui"] for d in response.json()}


async def list_all(client: httpx.AsyncClient, key: str | None) -> set[str]:
    found: set[str] = set()
    url: str | None = "/v1/devices?limit=1000"
    while url:
        response = await client.get(url, headers=auth(key))
        found |= euis(response)
        link = response.headers.get("link")
        url = link.split(";")[0].strip("<>") if link else None
    return found


async def test_each_role_lists_only_what_it_may_see(
    client: httpx.AsyncClient, world: World
) -> None:
    mine = {world.a_private, world.a_open, world.b_private, world.b_open}
    assert (await list_all(client, None)) & mine == {world.a_open, world.b_open}
    assert (await list_all(client, world.a_member_key)) & mine == {
        world.a_private,
        world.a_open,
        world.b_open,
    }
    assert (await list_all(client, world.b_admin_key)) & mine == {
        world.b_private,
        world.b_open,
        world.a_open,
    }
    assert (await list_all(client, world.admin_key)) & mine == mine


@pytest.mark.parametrize(
    ("key_attr", "device_attr", "expected"),
    [
        (None, "a_private", 404),
        (None, "a_open", 200),
        ("a_member_key", "a_private", 200),
        ("a_member_key", "b_private", 404),
        ("a_member_key", "b_open", 200),
        ("b_admin_key", "a_private", 404),
        ("admin_key", "a_private", 200),
        ("admin_key", "b_private", 200),
    ],
)
async def test_read_one_device_by_role(
    client: httpx.AsyncClient,
    world: World,
    key_attr: str | None,
    device_attr: str,
    expected: int,
) -> None:
    key = getattr(world, key_attr) if key_attr else None
    eui = getattr(world, device_attr)
    response = await client.get(f"/v1/devices/{eui}", headers=auth(key))
    assert response.status_code == expected, response.text
    if expected == 404:
        assert response.headers["content-type"] == PROBLEM
        # exactly as if it did not exist
        missing = await client.get(f"/v1/devices/{random_eui()}", headers=auth(key))
        assert missing.status_code == 404
        assert set(missing.json()) == set(response.json())
    else:
        body = response.json()
        assert body["dev_eui"] == eui
        assert set(body) >= {
            "dev_eui", "name", "type_id", "organization", "latitude", "longitude",
            "open_data", "tags", "battery_level", "last_seen_at",
        }  # fmt: skip


async def test_eui_in_any_case_and_with_separators(client: httpx.AsyncClient, world: World) -> None:
    eui = world.a_open
    dashed = "-".join(eui[i : i + 2] for i in range(0, 16, 2)).lower()
    for form in (eui.lower(), eui.capitalize(), dashed, eui.replace("A", "a")):
        response = await client.get(f"/v1/devices/{form}")
        assert response.status_code == 200, form
        assert response.json()["dev_eui"] == eui


@pytest.mark.parametrize("bad", ["xyz", "A84041000181C06", "A84041000181C0611", "G840410001810611"])
async def test_invalid_eui_is_422_naming_the_rule(client: httpx.AsyncClient, bad: str) -> None:
    response = await client.get(f"/v1/devices/{bad}")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert "dev_eui must be 16 hexadecimal digits" in body["detail"]
    assert body["errors"][0]["name"] == "dev_eui"
    assert body["errors"][0]["in"] == "path"


async def test_list_filters(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org_id, _ = make_org(db)
    key = make_key(db, org_id, "member")
    marker = random_eui()[:6].lower()
    _, lse = make_device(db, org_id, type_id="dragino/lse01", name=f"soil {marker} north")
    _, lht = make_device(db, org_id, type_id="dragino/lht65", name=f"air {marker}", open_data=True)
    assert euis(await client.get("/v1/devices?type=dragino/lse01", headers=auth(key))) == {lse}
    assert euis(await client.get("/v1/devices?open_data=true", headers=auth(key))) >= {lht}
    assert lse not in euis(await client.get("/v1/devices?open_data=true", headers=auth(key)))
    assert euis(await client.get(f"/v1/devices?q={marker.upper()}", headers=auth(key))) == {
        lse,
        lht,
    }
    assert euis(await client.get(f"/v1/devices?q=soil%20{marker}", headers=auth(key))) == {lse}


async def test_pagination_link_header(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org_id, _ = make_org(db)
    key = make_key(db, org_id, "member")
    created = {make_device(db, org_id)[1] for _ in range(5)}
    seen: list[str] = []
    url: str | None = "/v1/devices?limit=2"
    while url:
        response = await client.get(url, headers=auth(key))
        seen += [d["dev_eui"] for d in response.json()]
        link = response.headers.get("link")
        url = link.split(";")[0].strip("<>") if link else None
    assert created <= set(seen)
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))


async def test_org_admin_registers_into_own_org(client: httpx.AsyncClient, world: World) -> None:
    eui = random_eui()
    body = {
        "dev_eui": eui.lower(),
        "name": "weather station",
        "type_id": "dragino/lht65",
        "latitude": 51.5,
        "longitude": 12.0,
        "open_data": False,
        "tags": {"site": "orchard"},
    }
    response = await client.post("/v1/devices", json=body, headers=auth(world.a_admin_key))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["dev_eui"] == eui
    assert created["organization"] == world.org_a
    assert created["tags"] == {"site": "orchard"}
    assert response.headers["location"].endswith(f"/v1/devices/{eui}")
    assert (
        await client.get(f"/v1/devices/{eui}", headers=auth(world.a_member_key))
    ).status_code == 200
    assert (
        await client.get(f"/v1/devices/{eui}", headers=auth(world.b_admin_key))
    ).status_code == 404


async def test_register_conflict_is_409_even_across_orgs(
    client: httpx.AsyncClient, world: World
) -> None:
    # EUIs are globally unique: the conflict says "taken", nothing more (documented choice).
    response = await client.post(
        "/v1/devices", json={"dev_eui": world.b_private}, headers=auth(world.a_admin_key)
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert "already registered" in response.json()["detail"]
    assert world.org_b not in response.text


async def test_register_permissions(client: httpx.AsyncClient, world: World) -> None:
    body = {"dev_eui": random_eui()}
    assert (await client.post("/v1/devices", json=body)).status_code == 401
    member = await client.post("/v1/devices", json=body, headers=auth(world.a_member_key))
    assert member.status_code == 403
    assert member.headers["content-type"] == PROBLEM
    other_org = await client.post(
        "/v1/devices",
        json={**body, "organization": world.org_b},
        headers=auth(world.a_admin_key),
    )
    assert other_org.status_code == 403
    by_admin = await client.post(
        "/v1/devices",
        json={**body, "organization": world.org_b},
        headers=auth(world.admin_key),
    )
    assert by_admin.status_code == 201
    assert by_admin.json()["organization"] == world.org_b
    unknown = await client.post(
        "/v1/devices",
        json={"dev_eui": random_eui(), "organization": "no-such-org-xyz"},
        headers=auth(world.admin_key),
    )
    assert unknown.status_code == 422
    assert "no-such-org-xyz" in unknown.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "phrase"),
    [
        ({"dev_eui": "12"}, "dev_eui", "dev_eui must be 16 hexadecimal digits"),
        ({"latitude": 91}, "latitude", "less than or equal to 90"),
        ({"type_id": "Not A Type"}, "type_id", "type_id"),
        ({"colour": "red"}, "colour", "colour"),
    ],
)
async def test_register_validation_names_the_field(
    client: httpx.AsyncClient, world: World, body: dict[str, object], field: str, phrase: str
) -> None:
    payload = {"dev_eui": random_eui(), **body}
    response = await client.post("/v1/devices", json=payload, headers=auth(world.a_admin_key))
    assert response.status_code == 422
    problem = response.json()
    assert phrase in problem["detail"]
    assert problem["errors"][0]["name"] == field
    assert problem["errors"][0]["in"] == "body"


async def test_patch_permissions_and_effect(client: httpx.AsyncClient, world: World) -> None:
    url = f"/v1/devices/{world.a_private.lower()}"
    change = {"name": "renamed", "tags": {"crop": "wheat"}, "latitude": None}
    assert (
        await client.patch(url, json=change, headers=auth(world.a_member_key))
    ).status_code == 403
    assert (
        await client.patch(url, json=change, headers=auth(world.b_admin_key))
    ).status_code == 404
    assert (await client.patch(url, json=change)).status_code == 404
    response = await client.patch(url, json=change, headers=auth(world.a_admin_key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "renamed"
    assert body["tags"] == {"crop": "wheat"}
    assert body["latitude"] is None
    assert body["longitude"] == pytest.approx(11.97)
    # visible (open data) but another org's: 403, and the public gets 401
    open_url = f"/v1/devices/{world.b_open}"
    assert (
        await client.patch(open_url, json=change, headers=auth(world.a_admin_key))
    ).status_code == 403
    assert (await client.patch(open_url, json=change)).status_code == 401
    null = await client.patch(url, json={"open_data": None}, headers=auth(world.a_admin_key))
    assert null.status_code == 422
    assert "open_data may not be null" in null.json()["detail"]


async def test_admin_moves_a_device(client: httpx.AsyncClient, world: World) -> None:
    url = f"/v1/devices/{world.a_private}"
    response = await client.patch(
        url, json={"organization": world.org_b}, headers=auth(world.admin_key)
    )
    assert response.status_code == 200
    assert response.json()["organization"] == world.org_b
    assert (await client.get(url, headers=auth(world.a_member_key))).status_code == 404
    assert (await client.get(url, headers=auth(world.b_member_key))).status_code == 200
    moved = await client.patch(
        f"/v1/devices/{world.b_private}",
        json={"organization": world.org_a},
        headers=auth(world.b_admin_key),
    )
    assert moved.status_code == 403


async def test_delete_permissions_and_effect(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    url = f"/v1/devices/{world.a_private}"
    assert (await client.delete(url, headers=auth(world.a_member_key))).status_code == 403
    assert (await client.delete(url, headers=auth(world.b_admin_key))).status_code == 404
    assert (await client.delete(url)).status_code == 404
    assert (await client.delete(url, headers=auth(world.a_admin_key))).status_code == 204
    assert (await client.get(url, headers=auth(world.admin_key))).status_code == 404
    assert (
        db.execute("SELECT 1 FROM devices WHERE dev_eui = %s", (world.a_private,)).fetchone()
        is None
    )
