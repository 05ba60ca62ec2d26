"""Latest values, time series (raw, rollups, free buckets) and the GeoJSON map view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from tests.integration.api.factories import (
    PROBLEM,
    World,
    add_readings,
    add_uplink,
    auth,
    make_device,
)

pytestmark = pytest.mark.integration

# A fixed past day, so hourly/daily buckets are predictable: 12 readings 10 minutes apart
# from 10:00 to 11:50 UTC, values 1..12.
DAY = datetime(2024, 5, 14, tzinfo=UTC)
T0 = DAY + timedelta(hours=10)
POINTS = [(T0 + timedelta(minutes=10 * i), float(i + 1)) for i in range(12)]
WINDOW = "from=2024-05-14T00:00:00Z&to=2024-05-15T00:00:00Z"


@pytest.fixture
def series(db: psycopg.Connection, world: World) -> World:
    add_readings(db, world.a_private_id, "air_temperature", POINTS)
    add_readings(db, world.a_private_id, "relative_humidity", [(T0, 55.0)])
    add_readings(db, world.a_private_id, "air_temperature", [(T0 + timedelta(minutes=5), 99.0)],
                 channel=1)  # fmt: skip
    add_uplink(db, world.a_private_id, T0 - timedelta(hours=1), {"TempC_SHT": 0.5}, f_cnt=1)
    add_uplink(db, world.a_private_id, POINTS[-1][0], {"TempC_SHT": 12.0, "Bat_V": 3.05}, f_cnt=2)
    add_uplink(db, world.a_private_id, POINTS[-1][0] + timedelta(minutes=1), None, f_cnt=3)
    return world


async def test_latest_shape_and_values(client: httpx.AsyncClient, series: World) -> None:
    url = f"/v1/devices/{series.a_private.lower()}/latest"
    response = await client.get(url, headers=auth(series.a_member_key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"dev_eui", "time", "fields", "readings"}
    assert body["dev_eui"] == series.a_private
    assert body["fields"] == {"TempC_SHT": 12.0, "Bat_V": 3.05}  # newest uplink *with* fields
    assert datetime.fromisoformat(body["time"]) == POINTS[-1][0]
    by_key = {(r["quantity"], r["channel"]): r for r in body["readings"]}
    assert set(by_key) == {("air_temperature", 0), ("air_temperature", 1), ("relative_humidity", 0)}
    temp = by_key[("air_temperature", 0)]
    assert {"quantity", "value", "unit", "time"} <= set(temp)
    assert temp["value"] == 12.0
    assert temp["unit"] == "Cel"
    assert datetime.fromisoformat(temp["time"]) == POINTS[-1][0]
    assert by_key[("relative_humidity", 0)]["unit"] == "%"


async def test_latest_of_a_device_without_data(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(f"/v1/devices/{world.a_open}/latest")
    assert response.status_code == 200
    assert response.json() == {"dev_eui": world.a_open, "time": None, "fields": {}, "readings": []}


async def test_latest_is_scoped(client: httpx.AsyncClient, series: World) -> None:
    url = f"/v1/devices/{series.a_private}/latest"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=auth(series.b_member_key))).status_code == 404
    assert (await client.get(url, headers=auth(series.admin_key))).status_code == 200


async def test_raw_readings(client: httpx.AsyncClient, series: World) -> None:
    url = f"/v1/devices/{series.a_private}/readings?quantity=air_temperature&{WINDOW}"
    response = await client.get(url, headers=auth(series.a_member_key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dev_eui"] == series.a_private
    assert body["bucket"] == "raw"
    assert body["truncated"] is False
    readings = body["readings"]
    assert len(readings) == 13  # 12 on channel 0, one on channel 1
    assert [r["time"] for r in readings] == sorted(r["time"] for r in readings)
    channel0 = [r["value"] for r in readings if r["channel"] == 0]
    assert channel0 == [p[1] for p in POINTS]
    assert set(readings[0]) >= {"quantity", "channel", "time", "value", "unit"}
    assert readings[0]["unit"] == "Cel"


async def test_raw_limit_truncates(client: httpx.AsyncClient, series: World) -> None:
    url = f"/v1/devices/{series.a_private}/readings?quantity=air_temperature&{WINDOW}&limit=5"
    body = (await client.get(url, headers=auth(series.a_member_key))).json()
    assert len(body["readings"]) == 5
    assert body["truncated"] is True


@pytest.mark.parametrize(
    ("agg", "expected"),
    [("avg", [3.5, 9.5]), ("min", [1.0, 7.0]), ("max", [6.0, 12.0]), ("count", [6.0, 6.0])],
)
async def test_hourly_rollup(
    client: httpx.AsyncClient, series: World, agg: str, expected: list[float]
) -> None:
    url = (
        f"/v1/devices/{series.a_private}/readings?quantity=air_temperature"
        f"&{WINDOW}&bucket=hour&agg={agg}"
    )
    body = (await client.get(url, headers=auth(series.a_member_key))).json()
    assert body["bucket"] == "hour"
    assert body["agg"] == agg
    channel0 = [r for r in body["readings"] if r["channel"] == 0]
    assert [datetime.fromisoformat(r["time"]) for r in channel0] == [T0, T0 + timedelta(hours=1)]
    assert [r["value"] for r in channel0] == pytest.approx(expected)


async def test_daily_rollup(client: httpx.AsyncClient, series: World) -> None:
    url = (
        f"/v1/devices/{series.a_private}/readings?quantity=air_temperature"
        "&from=2024-05-10T00:00:00Z&to=2024-05-20T00:00:00Z&bucket=day&agg=max"
    )
    body = (await client.get(url, headers=auth(series.a_member_key))).json()
    channel0 = [r for r in body["readings"] if r["channel"] == 0]
    assert len(channel0) == 1
    assert datetime.fromisoformat(channel0[0]["time"]) == DAY
    assert channel0[0]["value"] == 12.0


async def test_fifteen_minute_buckets(client: httpx.AsyncClient, series: World) -> None:
    url = (
        f"/v1/devices/{series.a_private}/readings?quantity=air_temperature"
        f"&{WINDOW}&bucket=15m&agg=count"
    )
    body = (await client.get(url, headers=auth(series.a_member_key))).json()
    assert body["bucket"] == "15m"
    channel0 = [r for r in body["readings"] if r["channel"] == 0]
    # readings at :00 :10 | :20 | :30 :40 | :50 per hour -> counts 2, 1, 2, 1
    assert [r["value"] for r in channel0] == [2, 1, 2, 1, 2, 1, 2, 1]
    assert datetime.fromisoformat(channel0[1]["time"]) == T0 + timedelta(minutes=15)


async def test_buckets_leave_flagged_readings_out(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    add_readings(
        db, world.a_open_id, "air_temperature", [(T0, 20.0), (T0 + timedelta(minutes=1), 20.0)]
    )
    add_readings(db, world.a_open_id, "air_temperature", [(T0 + timedelta(minutes=2), 500.0)],
                 flagged=True)  # fmt: skip
    base = f"/v1/devices/{world.a_open}/readings?quantity=air_temperature&{WINDOW}"
    raw = (await client.get(base)).json()["readings"]
    assert [r["flagged"] for r in raw] == [False, False, True]
    for bucket in ("hour", "30m"):
        agg = (await client.get(f"{base}&bucket={bucket}&agg=max")).json()["readings"]
        assert [r["value"] for r in agg] == [20.0]


async def test_all_quantities_when_none_named(client: httpx.AsyncClient, series: World) -> None:
    url = f"/v1/devices/{series.a_private}/readings?{WINDOW}"
    body = (await client.get(url, headers=auth(series.a_member_key))).json()
    assert {r["quantity"] for r in body["readings"]} == {"air_temperature", "relative_humidity"}


async def test_default_window_is_the_last_day(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    now = datetime.now(UTC)
    add_readings(db, world.b_open_id, "co2", [(now - timedelta(hours=30), 400.0),
                                              (now - timedelta(hours=2), 420.0)])  # fmt: skip
    body = (await client.get(f"/v1/devices/{world.b_open}/readings")).json()
    assert [r["value"] for r in body["readings"]] == [420.0]
    span = datetime.fromisoformat(body["to"]) - datetime.fromisoformat(body["from"])
    assert span == timedelta(hours=24)


async def test_readings_are_scoped(client: httpx.AsyncClient, series: World) -> None:
    url = f"/v1/devices/{series.a_private}/readings?{WINDOW}"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=auth(series.b_admin_key))).status_code == 404


@pytest.mark.parametrize(
    ("query", "name", "phrase"),
    [
        ("from=yesterday", "from", "from"),
        ("to=2024-13-01", "to", "to"),
        ("from=2024-05-15T00:00:00Z&to=2024-05-14T00:00:00Z", "from", "from must be before to"),
        ("from=2024-01-01T00:00:00Z&to=2024-05-01T00:00:00Z", "to", "at most 31 days"),
        ("bucket=fortnight", "bucket", "bucket must be raw, hour, day or a width"),
        ("bucket=0m", "bucket", "between 1 minute"),
        ("bucket=hour&agg=median", "agg", "'avg', 'min', 'max', 'sum', 'count' or 'last'"),
        ("quantity=temperature", "quantity", "not in the vocabulary"),
        ("limit=0", "limit", "greater than or equal to 1"),
    ],
)
async def test_bad_parameters_are_422_naming_them(
    client: httpx.AsyncClient, world: World, query: str, name: str, phrase: str
) -> None:
    response = await client.get(f"/v1/devices/{world.a_open}/readings?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert phrase in body["detail"]
    assert body["errors"][0]["name"] == name


async def test_map_view_is_geojson_and_scoped(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    now = datetime.now(UTC)
    for device_id in (world.a_private_id, world.a_open_id, world.b_private_id, world.b_open_id):
        add_readings(db, device_id, "soil_moisture", [(now, 30.0 + device_id % 10)])
    _, unlocated = make_device(db, world.org_a_id, open_data=True, latitude=None, longitude=None)

    async def features(key: str | None) -> dict[str, dict[str, object]]:
        response = await client.get("/v1/readings/latest?quantity=soil_moisture", headers=auth(key))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["type"] == "FeatureCollection"
        return {f["properties"]["dev_eui"]: f for f in body["features"]}

    public = await features(None)
    assert world.a_open in public and world.b_open in public
    assert world.a_private not in public and world.b_private not in public
    assert unlocated not in public
    feature = public[world.a_open]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [11.97, 51.48]}
    props = feature["properties"]
    assert isinstance(props, dict)
    assert {"dev_eui", "name", "quantity", "value", "unit", "time"} <= set(props)
    assert props["quantity"] == "soil_moisture"
    assert props["unit"] == "%"

    member_a = await features(world.a_member_key)
    assert world.a_private in member_a and world.b_private not in member_a
    admin = await features(world.admin_key)
    assert {world.a_private, world.b_private} <= set(admin)


async def test_map_view_bbox(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    far_id, far = make_device(db, world.org_a_id, open_data=True, latitude=10.0, longitude=10.0)
    near_id, near = make_device(db, world.org_a_id, open_data=True, latitude=51.3, longitude=12.3)
    for device_id in (far_id, near_id):
        add_readings(db, device_id, "air_pressure", [(datetime.now(UTC), 1000.0)])
    response = await client.get("/v1/readings/latest?quantity=air_pressure&bbox=11.5,51,12.5,51.6")
    found = {f["properties"]["dev_eui"] for f in response.json()["features"]}
    assert near in found and far not in found
    bad = await client.get("/v1/readings/latest?bbox=1,2,3")
    assert bad.status_code == 422
    assert "bbox must be four numbers" in bad.json()["detail"]
