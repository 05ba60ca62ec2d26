"""Isolation over every route: no caller reads or changes another organisation's things.

The world: a farm, a municipality and a hobbyist community, each with a private and an
open/public device and gateway, readings, uplinks and receptions on all of them, and keys of
every role. For every route of the OpenAPI document and every role, each path parameter is
pointed at every object of the other organisations:

* invisible (private, foreign): 404 for every method, exactly like a missing object;
* visible but foreign (open data, public gateway): reads answer, writes are 403 (401 for
  the public);
* no answer of any route names an invisible device, gateway or key, lists included;
* afterwards every foreign object is unchanged in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import h3
import httpx
import psycopg
import pytest
from fastapi import FastAPI

from tests.integration.api.factories import (
    add_readings,
    add_reception,
    add_uplink,
    auth,
    make_device,
    make_gateway,
    make_key,
    make_org,
)

pytestmark = pytest.mark.integration

ORGS = ("farm", "municipality", "hobby")
PARAM = re.compile(r"\{(\w+)\}")
# a location per organisation and privacy, far enough apart to land in distinct H3 cells
SPOTS = {
    ("farm", False): (51.10, 11.10), ("farm", True): (51.20, 11.20),
    ("municipality", False): (51.30, 11.30), ("municipality", True): (51.40, 11.40),
    ("hobby", False): (51.50, 11.50), ("hobby", True): (51.60, 11.60),
}  # fmt: skip


@dataclass
class Org:
    kind: str
    id: int
    name: str
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, int] = field(default_factory=dict)  # role -> id
    devices: dict[bool, str] = field(default_factory=dict)  # open_data -> EUI
    device_names: dict[bool, str] = field(default_factory=dict)
    gateways: dict[bool, str] = field(default_factory=dict)  # public -> EUI


@pytest.fixture(scope="module")
def orgs(database_url: str) -> Iterator[dict[str, Org]]:
    now = datetime.now(UTC)
    with psycopg.connect(database_url, autocommit=True) as db:
        result: dict[str, Org] = {}
        kinds = {"farm": "farm", "municipality": "municipality", "hobby": "community"}
        for label in ORGS:
            org_id, name = make_org(db, kinds[label])
            org = Org(label, org_id, name)
            for role in ("member", "org_admin"):
                org.keys[role] = make_key(db, org_id, role)
                row = db.execute(
                    "SELECT id FROM api_keys WHERE key_prefix = %s", (org.keys[role][:10],)
                ).fetchone()
                assert row is not None
                org.key_ids[role] = int(row[0])
            for flag in (False, True):
                lat, lon = SPOTS[(label, flag)]
                name_tag = f"isolation-{label}-{'open' if flag else 'private'}"
                device_id, eui = make_device(
                    db, org_id, open_data=flag, latitude=lat, longitude=lon, name=name_tag,
                    tags={"site": name_tag},
                )  # fmt: skip
                org.devices[flag] = eui
                org.device_names[flag] = name_tag
                gateway_id, gw = make_gateway(db, org_id, public=flag, latitude=lat, longitude=lon)
                org.gateways[flag] = gw
                add_readings(
                    db, device_id, "air_temperature",
                    [(now - timedelta(hours=h), 5.0 + h) for h in range(0, 48, 2)],
                )  # fmt: skip
                add_uplink(db, device_id, now - timedelta(minutes=3), {"secret_field": name_tag})
                add_reception(db, device_id, gateway_id, now - timedelta(minutes=3), -99.0, 4.0)
            result[label] = org
        yield result


def caller_key(org: Org, role: str) -> str | None:
    return None if role == "public" else org.keys[role]


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI document, as the hidden probe sees the API."""
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    )


def invisible(orgs: dict[str, Org], me: str, role: str) -> list[str]:
    """Everything the caller must never see named: others' private things, others' keys."""
    names: list[str] = []
    for label, org in orgs.items():
        if role != "public" and label == me:
            continue
        names += [org.devices[False], org.device_names[False], org.gateways[False]]
    return names


def all_routes() -> list[tuple[str, str]]:
    from pydantic import SecretStr

    from api import ApiSettings, create_app

    return routes(create_app(ApiSettings(database_url=SecretStr("postgresql://unused/none"))))


ROUTES = all_routes()
PATH_ROUTES = [(m, p) for m, p in ROUTES if PARAM.search(p)]
LIST_ROUTES = [(m, p) for m, p in ROUTES if not PARAM.search(p) and m == "GET"]
LIST_PARAMS = {
    "/v1/readings/aggregate": {"quantity": "air_temperature", "bucket": "hour"},
    "/v1/coverage": {"resolution": "7"},
}
GHOSTS = {"dev_eui": "0000000000000001", "eui": "0000000000000002", "key_id": "2000000000"}
WRITE_BODIES = {"PATCH": {"name": "taken over"}, "DELETE": None}
# every organisation's member and org_admin, and the public once
CALLERS = [(me, role) for me in ORGS for role in ("member", "org_admin")] + [("farm", "public")]
CALLER_IDS = [f"{role}-{me}" if role != "public" else "public" for me, role in CALLERS]


def targets(orgs: dict[str, Org], me: str, role: str, path: str) -> list[tuple[str, bool]]:
    """(value for the path parameter, visible to the caller) for every foreign object."""
    found: list[tuple[str, bool]] = []
    for label, org in orgs.items():
        if label == me and role != "public":
            if "{key_id}" in path and role == "member":
                # a member sees only its own key; its organisation admin's key is invisible
                found.append((str(org.key_ids["org_admin"]), False))
            continue
        if "{dev_eui}" in path:
            found += [(org.devices[False], False), (org.devices[True], True)]
        elif "{eui}" in path:
            found += [(org.gateways[False], False), (org.gateways[True], True)]
        elif "{key_id}" in path:
            found += [(str(k), False) for k in org.key_ids.values()]
    return found


def expected(method: str, path: str, role: str, visible: bool) -> set[int]:
    if path.startswith("/v1/keys") and role == "public":
        return {401}
    if not visible:
        return {404}
    if method == "GET":
        return {200}
    return {401} if role == "public" else {403}


@pytest.mark.parametrize(("me", "role"), CALLERS, ids=CALLER_IDS)
@pytest.mark.parametrize(("method", "path"), PATH_ROUTES, ids=[f"{m} {p}" for m, p in PATH_ROUTES])
async def test_foreign_objects_are_404_or_403_and_never_leak(
    client: httpx.AsyncClient, orgs: dict[str, Org], me: str, role: str, method: str, path: str
) -> None:
    key = caller_key(orgs[me], role)
    hidden = invisible(orgs, me, role)
    cases = targets(orgs, me, role, path)
    assert cases or (path.startswith("/v1/keys") and role != "member"), "nothing to point at"
    for value, visible in cases:
        url = PARAM.sub(value, path)
        body = WRITE_BODIES.get(method)
        response = await client.request(
            method, url, headers=auth(key), json=body if method == "PATCH" else None
        )
        assert response.status_code in expected(method, path, role, visible), (
            f"{role} of {me}: {method} {url} -> {response.status_code} {response.text[:200]}"
        )
        if not visible:
            # exactly the answer for something that does not exist, but for the echoed id
            ghost = GHOSTS[PARAM.search(path)[1]]  # type: ignore[index]
            missing = await client.request(
                method, PARAM.sub(ghost, path), headers=auth(key),
                json=body if method == "PATCH" else None,
            )  # fmt: skip
            assert response.status_code == missing.status_code
            expected_body = {
                k: v.replace(ghost, value) if isinstance(v, str) else v
                for k, v in missing.json().items()
            }
            assert response.json() == expected_body
        for secret in hidden:
            if secret != value:
                assert secret not in response.text, f"{method} {url} leaks {secret}"


@pytest.mark.parametrize(("me", "role"), CALLERS, ids=CALLER_IDS)
@pytest.mark.parametrize(("method", "path"), LIST_ROUTES, ids=[f"{m} {p}" for m, p in LIST_ROUTES])
async def test_lists_and_maps_never_name_invisible_things(
    client: httpx.AsyncClient, orgs: dict[str, Org], me: str, role: str, method: str, path: str
) -> None:
    key = caller_key(orgs[me], role)
    hidden = invisible(orgs, me, role)
    for extra in ({}, {"format": "csv"}, {"format": "geojson"}):
        params = LIST_PARAMS.get(path, {}) | extra
        response = await client.get(path, headers=auth(key), params=params)
        if response.status_code == 422:  # a format this route does not offer
            continue
        if path.startswith("/v1/keys") and role == "public":
            assert response.status_code == 401
            continue
        assert response.status_code == 200, f"{path} {params}: {response.text[:200]}"
        for secret in hidden:
            assert secret not in response.text, f"{path} {params} leaks {secret}"
        if path == "/v1/keys":
            ids = {k["id"] for k in response.json()}
            own = set(orgs[me].key_ids.values())
            assert ids <= own, f"{role} of {me} sees foreign keys {ids - own}"
            if role == "member":
                assert len(ids) == 1
        if path == "/v1/coverage":
            cells = {
                f["properties"]["h3"]
                for f in response.json()["features"]
                if f["properties"]["kind"] == "cell"
            }
            for label, org in orgs.items():
                mine = label == me and role != "public"
                lat, lon = SPOTS[(label, False)]
                if not mine:
                    assert h3.latlng_to_cell(lat, lon, 7) not in cells, (
                        f"coverage places {org.name}'s private device for {role} of {me}"
                    )


async def test_foreign_objects_are_unchanged(
    client: httpx.AsyncClient, orgs: dict[str, Org], database_url: str
) -> None:
    """Runs after the probes above (same module): every object is still there, unrenamed."""
    with psycopg.connect(database_url) as db:
        for org in orgs.values():
            for flag in (False, True):
                row = db.execute(
                    "SELECT name, organization_id, open_data FROM devices WHERE dev_eui = %s",
                    (org.devices[flag],),
                ).fetchone()
                assert row == (org.device_names[flag], org.id, flag)
                row = db.execute(
                    "SELECT organization_id, public, name <> 'taken over' FROM gateways "
                    "WHERE eui = %s",
                    (org.gateways[flag],),
                ).fetchone()
                assert row == (org.id, flag, True)
            revoked = db.execute(
                "SELECT count(*) FROM api_keys WHERE organization_id = %s "
                "AND revoked_at IS NOT NULL",
                (org.id,),
            ).fetchone()
            assert revoked == (0,)


async def test_hobbyist_registers_own_gateway_and_others_do_not_see_it(
    client: httpx.AsyncClient, orgs: dict[str, Org]
) -> None:
    hobby = orgs["hobby"]
    eui = "AA555A0000" + hobby.gateways[False][-6:]
    response = await client.post(
        "/v1/gateways",
        headers=auth(hobby.keys["org_admin"]),
        json={"eui": eui.lower(), "name": "roof", "latitude": 51.5, "longitude": 11.9,
              "antenna_height_m": 12.0},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["eui"] == eui
    assert response.json()["organization"] == hobby.name
    for other in ("farm", "municipality"):
        seen = await client.get(f"/v1/gateways/{eui}", headers=auth(orgs[other].keys["member"]))
        assert seen.status_code == 404
    assert (await client.get(f"/v1/gateways/{eui}")).status_code == 404
    # another organisation cannot take it over by registering it again
    again = await client.post(
        "/v1/gateways", headers=auth(orgs["farm"].keys["org_admin"]), json={"eui": eui}
    )
    assert again.status_code == 409
    # a member may not register gateways; nobody but admins may name another organisation
    member = await client.post(
        "/v1/gateways", headers=auth(hobby.keys["member"]), json={"eui": "AA555A00000000F1"}
    )
    assert member.status_code == 403
    foreign = await client.post(
        "/v1/devices",
        headers=auth(hobby.keys["org_admin"]),
        json={"dev_eui": "AA555A00000000F2", "organization": orgs["farm"].name},
    )
    assert foreign.status_code == 403
    removed = await client.delete(f"/v1/gateways/{eui}", headers=auth(hobby.keys["org_admin"]))
    assert removed.status_code == 204


async def test_public_sees_open_data_only(client: httpx.AsyncClient, orgs: dict[str, Org]) -> None:
    listed = (await client.get("/v1/devices", params={"limit": 1000})).json()
    euis = {d["dev_eui"] for d in listed}
    for org in orgs.values():
        assert org.devices[True] in euis
        assert org.devices[False] not in euis
        latest = await client.get(f"/v1/devices/{org.devices[True]}/latest")
        assert latest.status_code == 200
        assert latest.json()["readings"][0]["quantity"] == "air_temperature"


async def test_members_key_is_forbidden_to_mark_open_data(
    client: httpx.AsyncClient, orgs: dict[str, Org], db: psycopg.Connection
) -> None:
    farm = orgs["farm"]
    eui = make_device(db, farm.id)[1]
    member = await client.patch(
        f"/v1/devices/{eui}", headers=auth(farm.keys["member"]), json={"open_data": True}
    )
    assert member.status_code == 403
    admin = await client.patch(
        f"/v1/devices/{eui}", headers=auth(farm.keys["org_admin"]), json={"open_data": True}
    )
    assert admin.status_code == 200 and admin.json()["open_data"] is True
    assert (await client.get(f"/v1/devices/{eui}")).status_code == 200
