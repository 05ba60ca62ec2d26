"""Liveness, readiness, OpenAPI, metrics and the problem+json shape of unknown paths."""

from __future__ import annotations

import uuid

import httpx
import psycopg
import pytest
from pydantic import SecretStr

from api import ApiSettings, create_app
from tests.fixtures.db import ADMIN_URL, _with_db
from tests.integration.api.factories import PROBLEM

pytestmark = pytest.mark.integration


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_migrated(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready"}


async def test_readyz_without_database_is_503() -> None:
    app = create_app(
        ApiSettings(database_url=SecretStr("postgresql://postgres@127.0.0.1:1/nowhere"))
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        response = await c.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 503


async def test_readyz_on_unmigrated_database_is_503(database_url: str) -> None:
    name = f"smartregion_empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        app = create_app(ApiSettings(database_url=SecretStr(_with_db(ADMIN_URL, name))))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            response = await c.get("/readyz")
        assert response.status_code == 503
        assert "not migrated" in response.json()["detail"]
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_openapi_lists_the_contract(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/v1/devices",
        "/v1/devices/{dev_eui}",
        "/v1/devices/{dev_eui}/latest",
        "/v1/devices/{dev_eui}/readings",
        "/v1/readings/latest",
        "/v1/gateways",
        "/v1/gateways/{eui}",
        "/v1/gateways/{eui}/stats",
        "/v1/coverage",
        "/v1/decoders",
        "/healthz",
        "/readyz",
        "/metrics",
    ):
        assert path in paths, path
    assert paths["/v1/devices/{dev_eui}/latest"]["get"]["summary"].startswith("The newest value")


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/v1/devices/0000000000000000")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "smartregion_api_requests_total" in text
    assert 'route="/v1/devices/{dev_eui}"' in text
    assert "smartregion_api_request_duration_seconds_bucket" in text
    assert "0000000000000000" not in text  # raw paths never become labels


async def test_unknown_path_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert body["title"] == "Not Found"


async def test_cross_origin_reads_are_allowed(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/v1/devices",
        headers={
            "Origin": "https://portal.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
