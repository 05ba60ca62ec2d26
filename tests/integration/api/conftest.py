"""The API under test: one app per session on the session database, driven through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from api import ApiSettings, create_app
from tests.integration.api.factories import World, make_world


@pytest.fixture(scope="session")
async def api_app(database_url: str) -> AsyncIterator[FastAPI]:
    app = create_app(
        ApiSettings(
            database_url=SecretStr(database_url),
            api_pool_max_size=4,
            api_rate_limit="",
            api_public_rate_limit="",
            rollup_refresh_interval_s=0,
            api_access_log=False,
        )
    )
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(api_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=api_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def world(db: psycopg.Connection) -> Iterator[World]:
    """Two organisations with keys of every role and one private and one open device each."""
    yield make_world(db)
