"""schemathesis against the OpenAPI document, in-process over ASGI, on a seeded database.

Checks: not_a_server_error and response_schema_conformance, for every operation, as an
organisation admin (who may write) and as the public. Examples are few per operation so
that `make test` stays quick; the generated values still reach the validation, not-found
and write paths of every route.

The document is built from the app without a database (it is static); cases are drawn
with hypothesis per operation and sent with httpx over ASGI to an app on the session
database, running (lifespan and all) in an event loop thread of its own; schemathesis
validates the httpx responses. (Its own requests-based transport trips over
urllib3-future, which a Grafana client library installs in place of urllib3.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import psycopg
import pytest
import schemathesis
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api import ApiSettings, create_app
from tests.integration.api.factories import (
    add_readings,
    add_reception,
    add_uplink,
    make_gateway,
    make_world,
)

CHECKS = [not_a_server_error, response_schema_conformance]
DOCUMENT = create_app(ApiSettings(database_url=SecretStr("postgresql://unused/none"))).openapi()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = sorted(
    (op.method.upper(), op.path) for op in (r.ok() for r in SCHEMA.get_all_operations())
)
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def app_settings(database_url: str) -> ApiSettings:
    return ApiSettings(
        database_url=SecretStr(database_url),
        api_pool_max_size=2,
        api_rate_limit="",
        api_public_rate_limit="",
        rollup_refresh_interval_s=0,
        api_access_log=False,
    )


@pytest.fixture(scope="module")
def seeded_key(database_url: str) -> str:
    """A farm and a municipality with devices, readings, uplinks, gateways and receptions."""
    with psycopg.connect(database_url, autocommit=True) as db:
        world = make_world(db)
        now = datetime.now(UTC)
        points = [(now - timedelta(hours=h), 10.0 + h % 7) for h in range(0, 72, 3)]
        for device_id in (world.a_private_id, world.a_open_id, world.b_open_id):
            add_readings(db, device_id, "air_temperature", points)
            add_uplink(db, device_id, now - timedelta(minutes=5), {"TempC_SHT": 11.0})
        gateway_id, _ = make_gateway(db, world.org_a_id, public=True)
        add_reception(db, world.a_open_id, gateway_id, now - timedelta(minutes=5), -101.0, 5.5)
        return world.a_admin_key


Send = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def api_client(database_url: str) -> Iterator[Send]:
    """`send(**request kwargs) -> httpx.Response` against the app, from synchronous code."""
    app: FastAPI = create_app(app_settings(database_url))
    stack = AsyncExitStack()

    async def start() -> httpx.AsyncClient:
        await stack.enter_async_context(app.router.lifespan_context(app))
        return await stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                base_url="http://testserver",
            )
        )

    with start_blocking_portal() as portal:
        client = portal.call(start)

        def send(**kwargs: Any) -> httpx.Response:
            return portal.call(partial(client.request, **kwargs))

        yield send
        portal.call(stack.aclose)


def test_the_document_covers_every_route() -> None:
    paths = set(DOCUMENT["paths"])
    assert {"/v1/devices", "/v1/devices/{dev_eui}/readings", "/v1/gateways", "/v1/coverage",
            "/v1/readings/aggregate", "/v1/keys/{key_id}", "/v1/decoders"} <= paths  # fmt: skip
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "200" in operation["responses"] or any(
                code.startswith("2") for code in operation["responses"]
            )


@pytest.mark.parametrize("role", ["org_admin", "public"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_openapi_conformance(
    method: str, path: str, role: str, api_client: Send, seeded_key: str
) -> None:
    operation = SCHEMA[path][method]
    headers = {"Authorization": f"Bearer {seeded_key}"} if role == "org_admin" else {}

    @given(case=operation.as_strategy())
    @SETTINGS
    def run(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        kwargs["headers"] = {
            k: v for k, v in kwargs["headers"].items() if k.lower() != "authorization"
        } | headers
        for unused in ("timeout", "verify", "allow_redirects", "cookies"):
            kwargs.pop(unused, None)
        if isinstance(kwargs.get("data"), bytes | str):
            kwargs["content"] = kwargs.pop("data")
        response = api_client(**kwargs)
        case.validate_response(response, checks=CHECKS)

    run()
