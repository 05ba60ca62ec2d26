"""Device filters and formats, several quantities, sum/last, health, region aggregates,
gateway statistics, coverage cells, key management, rate limiting, CORS and the access log."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import h3
import httpx
import psycopg
import pytest
from pydantic import SecretStr

from api import ApiSettings, create_app
from decoders import CATALOG
from tests.integration.api.factories import (
    World,
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

DAY = datetime(2024, 6, 3, tzinfo=UTC)
T0 = DAY + timedelta(hours=10)
POINTS = [(T0 + timedelta(minutes=10 * i), float(i + 1)) for i in range(12)]  # 1..12
WINDOW = {"from": "2024-06-03T00:00:00Z", "to": "2024-06-04T00:00:00Z"}


def agri_type() -> str:
    return next(t for t, s in sorted(CATALOG.items()) if s.category == "agriculture")


async def test_list_filters(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org, _ = make_org(db)
    key = make_key(db, org, "member")
    soil = make_device(db, org, type_id=agri_type(), latitude=51.0, longitude=12.0,
                       name="soil maize", tags={"crop": "maize", "irrigated": True})[1]  # fmt: skip
    other = make_device(db, org, type_id="dragino/lht65", latitude=52.0, longitude=13.0,
                        name="barn climate", tags={"crop": "wheat"})[1]  # fmt: skip

    async def euis(**params: str | list[str]) -> set[str]:
        params["open_data"] = "false"  # others' open data is visible too
        response = await client.get("/v1/devices", headers=auth(key), params=params)
        assert response.status_code == 200, response.text
        return {d["dev_eui"] for d in response.json()}

    assert await euis() == {soil, other}
    assert await euis(category="agriculture") == {soil}
    assert await euis(type="dragino/lht65") == {other}
    assert await euis(bbox="11.5,50.5,12.5,51.5") == {soil}
    assert await euis(tag="crop:maize") == {soil}
    assert await euis(tag="irrigated") == {soil}
    assert await euis(tag=["crop:wheat", "irrigated"]) == set()
    assert await euis(q="barn") == {other}
    bad = await client.get("/v1/devices", headers=auth(key), params={"category": "space"})
    assert bad.status_code == 422 and "category must be one of" in bad.json()["detail"]


async def test_list_as_csv_and_geojson_with_pagination_links(
    client: httpx.AsyncClient, db: psycopg.Connection
) -> None:
    org, _ = make_org(db)
    key = make_key(db, org, "member")
    made = sorted(make_device(db, org, latitude=51.0 + i / 10)[1] for i in range(3))
    mine = {"open_data": "false"}
    response = await client.get("/v1/devices", headers=auth(key), params=mine | {"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["dev_eui"] for r in rows] == made
    assert list(rows[0])[:6] == ["dev_eui", "name", "type", "latitude", "longitude", "open_data"]

    geo = await client.get(
        "/v1/devices",
        headers=auth(key) | {"Accept": "application/geo+json"},
        params=mine | {"limit": 2},
    )
    assert geo.headers["content-type"] == "application/geo+json"
    body = geo.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 2
    assert body["features"][0]["geometry"]["type"] == "Point"
    link = geo.headers["link"]
    assert 'rel="next"' in link and f"after={made[1]}" in link
    follow = link[1 : link.index(">")]
    rest = await client.get(follow, headers=auth(key) | {"Accept": "application/geo+json"})
    assert [f["id"] for f in rest.json()["features"]] == [made[2]]


async def test_latest_of_all_devices(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org, _ = make_org(db)
    key = make_key(db, org, "member")
    first_id, first = make_device(db, org, tags={"batch": "latest-test"})
    _, second = make_device(db, org, tags={"batch": "latest-test"})
    add_readings(db, first_id, "air_temperature", POINTS)
    add_readings(db, first_id, "relative_humidity", [(T0, 60.0)])
    mine = {"tag": "batch:latest-test"}
    response = await client.get("/v1/devices/latest", headers=auth(key), params=mine)
    assert response.status_code == 200
    by_eui = {d["dev_eui"]: d for d in response.json()}
    assert set(by_eui) == {first, second}
    assert by_eui[second]["readings"] == []
    assert {r["quantity"]: r["value"] for r in by_eui[first]["readings"]} == {
        "air_temperature": 12.0, "relative_humidity": 60.0,
    }  # fmt: skip
    one = await client.get(
        "/v1/devices/latest", headers=auth(key), params=mine | {"quantity": "relative_humidity"}
    )
    assert [r["quantity"] for d in one.json() for r in d["readings"]] == ["relative_humidity"]
    as_csv = await client.get(
        "/v1/devices/latest", headers=auth(key), params=mine | {"format": "csv"}
    )
    assert as_csv.text.splitlines()[0] == "dev_eui,name,quantity,channel,time,value,unit,flagged"


async def test_several_quantities_sum_last_and_csv(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    add_readings(db, world.a_private_id, "air_temperature", POINTS)
    humidity = [(T0, 50.0), (T0 + timedelta(minutes=30), 70.0)]
    add_readings(db, world.a_private_id, "relative_humidity", humidity)
    url = f"/v1/devices/{world.a_private}/readings"
    headers = auth(world.a_member_key)

    async def values(**params: str) -> dict[str, list[float]]:
        response = await client.get(url, headers=headers, params=WINDOW | params)
        assert response.status_code == 200, response.text
        out: dict[str, list[float]] = {}
        for r in response.json()["readings"]:
            out.setdefault(r["quantity"], []).append(r["value"])
        return out

    both = await values(quantity="air_temperature,relative_humidity", bucket="hour", agg="avg")
    assert both == {"air_temperature": [3.5, 9.5], "relative_humidity": [60.0]}
    assert (await values(quantity="air_temperature", bucket="hour", agg="sum")) == {
        "air_temperature": [21.0, 57.0]
    }
    assert (await values(quantity="air_temperature", bucket="day", agg="last")) == {
        "air_temperature": [12.0]
    }
    assert (await values(quantity="relative_humidity", bucket="30m", agg="last")) == {
        "relative_humidity": [50.0, 70.0]
    }
    as_csv = await client.get(url, headers=headers, params=WINDOW | {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 14 and rows[0]["dev_eui"] == world.a_private


async def test_health(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org, _ = make_org(db)
    key = make_key(db, org, "member")
    device_id, eui = make_device(db, org)
    gateway_id, _ = make_gateway(db, org)
    now = datetime.now(UTC)
    for n in range(6):  # one uplink an hour, the signal fading by 2 dB a day
        at = now - timedelta(hours=5 - n, minutes=1)
        add_uplink(db, device_id, at, {"x": n}, f_cnt=n)
        add_reception(db, device_id, gateway_id, at, -100.0 - 2 * (5 - n) / 24 * -1, 5.0)
    add_readings(db, device_id, "battery_level", [(now - timedelta(minutes=1), 88.0)])
    body = (await client.get(f"/v1/devices/{eui}/health", headers=auth(key))).json()
    assert body["uplinks_24h"] == 6 and body["battery_level"] == 88.0
    assert body["expected_interval_s"] == pytest.approx(3600, rel=0.01)
    assert body["stale"] is False and body["stale_after_s"] == pytest.approx(3 * 3600, rel=0.01)
    assert body["rssi_trend_db_per_day"] == pytest.approx(-2.0, abs=0.01)
    assert body["radio_days"][-1]["uplinks"] >= 1
    db.execute("UPDATE devices SET last_seen_at = now() - interval '1 day' WHERE id = %s",
               (device_id,))  # fmt: skip
    db.execute("DELETE FROM uplinks WHERE device_id = %s", (device_id,))
    stale = (await client.get(f"/v1/devices/{eui}/health", headers=auth(key))).json()
    assert stale["stale"] is True and stale["expected_interval_s"] is None


async def test_region_aggregate(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org, _ = make_org(db)
    key = make_key(db, org, "member")
    inside = [make_device(db, org, latitude=50.0, longitude=10.0 + i / 100)[0] for i in range(2)]
    outside = make_device(db, org, latitude=40.0, longitude=10.0)[0]
    foreign_org, _ = make_org(db)
    foreign = make_device(db, foreign_org, latitude=50.0, longitude=10.0)[0]
    add_readings(db, inside[0], "air_temperature", [(T0, 10.0), (T0 + timedelta(hours=1), 20.0)])
    add_readings(db, inside[1], "air_temperature", [(T0, 40.0)])
    for device in (outside, foreign):
        add_readings(db, device, "air_temperature", [(T0, 1000.0)])
    params = WINDOW | {"quantity": "air_temperature", "bbox": "9.9,49.9,10.1,50.1"}

    async def get(**more: str) -> dict[str, object]:
        response = await client.get(
            "/v1/readings/aggregate", headers=auth(key), params=params | more
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    day = await get(bucket="day")
    assert day["readings"] == [
        {"quantity": "air_temperature", "unit": "Cel", "time": "2024-06-03T00:00:00Z",
         "value": pytest.approx(70.0 / 3), "samples": 3, "devices": 2}
    ]  # fmt: skip
    maxima = await get(bucket="hour", agg="max")
    assert [r["value"] for r in maxima["readings"]] == [40.0, 20.0]  # type: ignore[attr-defined]
    summed = await get(bucket="day", agg="sum")
    assert summed["readings"][0]["value"] == 70.0  # type: ignore[index]
    public = await client.get("/v1/readings/aggregate", params=params | {"bucket": "day"})
    assert public.json()["readings"] == []  # private devices contribute nothing to the public
    missing = await client.get("/v1/readings/aggregate", headers=auth(key))
    assert missing.status_code == 422


async def test_gateway_stats_distribution_and_online(
    client: httpx.AsyncClient, db: psycopg.Connection
) -> None:
    org, _ = make_org(db, "community")
    key = make_key(db, org, "member")
    gateway_id, eui = make_gateway(db, org)
    device_id, _ = make_device(db, org)
    now = datetime.now(UTC)
    for n, rssi in enumerate((-118.0, -111.0, -104.0, -97.0)):
        add_reception(db, device_id, gateway_id, now - timedelta(minutes=n + 1), rssi, n * 2.0)
    stats = (await client.get(f"/v1/gateways/{eui}/stats", headers=auth(key))).json()
    assert stats["online"] is True
    assert stats["rssi_histogram"] == [
        {"low": -120.0, "high": -110.0, "count": 2},
        {"low": -110.0, "high": -100.0, "count": 1},
        {"low": -100.0, "high": -90.0, "count": 1},
    ]
    assert sum(b["count"] for b in stats["snr_histogram"]) == 4
    assert stats["rssi_p50"] == pytest.approx(-107.5)
    db.execute("UPDATE gateways SET last_seen_at = now() - interval '2 hours' WHERE id = %s",
               (gateway_id,))  # fmt: skip
    db.execute("DELETE FROM receptions WHERE gateway_id = %s", (gateway_id,))
    offline = (await client.get(f"/v1/gateways/{eui}/stats", headers=auth(key))).json()
    assert offline["online"] is False


async def test_public_gateway_map_and_coverage_cells(
    client: httpx.AsyncClient, db: psycopg.Connection
) -> None:
    org, _ = make_org(db, "community")
    gateway_id, eui = make_gateway(db, org, public=True, latitude=50.5, longitude=9.5)
    device_id, _ = make_device(db, org, open_data=True, latitude=50.52, longitude=9.51)
    now = datetime.now(UTC)
    add_reception(db, device_id, gateway_id, now - timedelta(hours=1), -109.0, 1.0)
    add_reception(db, device_id, gateway_id, now - timedelta(hours=2), -101.0, 3.0)
    geo = await client.get("/v1/gateways", params={"format": "geojson", "limit": 1000})
    assert geo.headers["content-type"] == "application/geo+json"
    feature = next(f for f in geo.json()["features"] if f["id"] == eui)
    assert feature["geometry"]["coordinates"] == [9.5, 50.5]

    cells = await client.get("/v1/coverage", params={"layer": "cells", "resolution": 8})
    cell = h3.latlng_to_cell(50.52, 9.51, 8)
    found = [f for f in cells.json()["features"] if f["id"] == cell]
    assert len(found) == 1
    props = found[0]["properties"]
    assert props["best_rssi"] == -101.0 and props["receptions"] == 2 and props["gateways"] == 1
    ring = found[0]["geometry"]["coordinates"][0]
    assert found[0]["geometry"]["type"] == "Polygon" and ring[0] == ring[-1]
    assert all(f["properties"]["kind"] == "cell" for f in cells.json()["features"])


async def test_key_management(client: httpx.AsyncClient, db: psycopg.Connection) -> None:
    org, name = make_org(db)
    admin_key = make_key(db, org, "org_admin")
    member_key = make_key(db, org, "member")
    created = await client.post(
        "/v1/keys", headers=auth(admin_key), json={"role": "member", "name": "grafana"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["key"].startswith(body["prefix"]) and body["organization"] == name
    new_key, new_id = body["key"], body["id"]
    assert (await client.get("/v1/devices", headers=auth(new_key))).status_code == 200
    listed = (await client.get("/v1/keys", headers=auth(admin_key))).json()
    assert new_id in {k["id"] for k in listed}
    assert all("key" not in k for k in listed)
    # members may not create keys, org admins may not create admin keys
    assert (await client.post("/v1/keys", headers=auth(member_key), json={})).status_code == 403
    admin_role = await client.post("/v1/keys", headers=auth(admin_key), json={"role": "admin"})
    assert admin_role.status_code == 403
    # a member sees only its own key and cannot revoke the new one
    mine = (await client.get("/v1/keys", headers=auth(member_key))).json()
    assert len(mine) == 1
    blocked = await client.delete(f"/v1/keys/{new_id}", headers=auth(member_key))
    assert blocked.status_code == 404
    revoked = await client.delete(f"/v1/keys/{new_id}", headers=auth(admin_key))
    assert revoked.status_code == 204
    assert (await client.get("/v1/devices", headers=auth(new_key))).status_code == 401
    again = await client.delete(f"/v1/keys/{new_id}", headers=auth(admin_key))
    assert again.status_code == 204  # idempotent
    gone = await client.get("/v1/keys", headers=auth(admin_key), params={"revoked": True})
    assert gone.json()[0]["revoked_at"]
    # a member may revoke its own key
    own_id = mine[0]["id"]
    assert (await client.delete(f"/v1/keys/{own_id}", headers=auth(member_key))).status_code == 204
    assert (await client.get("/v1/keys", headers=auth(member_key))).status_code == 401


@pytest.fixture
async def limited_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        ApiSettings(
            database_url=SecretStr(database_url),
            api_pool_max_size=2,
            api_rate_limit="3/minute",
            api_public_rate_limit="2/minute",
            rollup_refresh_interval_s=0,
            cors_allow_origins="https://portal.example, https://maps.example",
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_rate_limit_per_key_and_per_public_client(
    limited_client: httpx.AsyncClient, db: psycopg.Connection
) -> None:
    org, _ = make_org(db)
    one, two = make_key(db, org, "member"), make_key(db, org, "member")
    answers = [(await limited_client.get("/v1/devices", headers=auth(one))) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[0].headers["ratelimit-limit"] == "3"
    assert answers[2].headers["ratelimit-remaining"] == "0"
    last = answers[-1]
    assert last.headers["content-type"] == "application/problem+json"
    assert int(last.headers["retry-after"]) >= 1 and "rate limit" in last.json()["detail"]
    assert (await limited_client.get("/v1/devices", headers=auth(two))).status_code == 200
    public = [(await limited_client.get("/v1/decoders")).status_code for _ in range(3)]
    assert public == [200, 200, 200]  # routes that need no caller are not limited
    public = [(await limited_client.get("/v1/devices")).status_code for _ in range(3)]
    assert public == [200, 200, 429]


async def test_cors_origins_are_configurable(limited_client: httpx.AsyncClient) -> None:
    allowed = await limited_client.get("/healthz", headers={"Origin": "https://maps.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://maps.example"
    other = await limited_client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


async def test_access_log_names_no_secrets(
    database_url: str, db: psycopg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    org, _ = make_org(db)
    key = make_key(db, org, "member")
    _, eui = make_device(db, org)
    app = create_app(
        ApiSettings(
            database_url=SecretStr(database_url), api_pool_max_size=1, rollup_refresh_interval_s=0
        )
    )
    caplog.set_level(logging.INFO, logger="api.access")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            response = await c.get(f"/v1/devices/{eui}?token=hunter2", headers=auth(key))
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == "api.access"]
    assert records, "no access log line"
    line = records[-1]
    assert line.__dict__["route"] == "/v1/devices/{dev_eui}"
    assert line.__dict__["status"] == 200 and line.__dict__["params"] == ["token"]
    assert line.__dict__["caller"].startswith("key:")
    text = repr(line.__dict__)
    assert key not in text and key[:10] not in text and "hunter2" not in text and eui not in text
