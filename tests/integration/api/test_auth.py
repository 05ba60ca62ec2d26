"""API keys: bearer keys map to roles; bad, revoked or malformed keys are 401 problem+json."""

from __future__ import annotations

import httpx
import psycopg
import pytest

from tests.integration.api.factories import PROBLEM, World, auth

pytestmark = pytest.mark.integration


async def test_unknown_key_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/devices", headers=auth("sr_not-a-real-key"))
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["detail"] == "unknown or revoked API key"


async def test_revoked_key_is_401(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    assert (await client.get("/v1/devices", headers=auth(world.a_member_key))).status_code == 200
    db.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE key_prefix = %s", (world.a_member_key[:10],)
    )
    response = await client.get("/v1/devices", headers=auth(world.a_member_key))
    assert response.status_code == 401
    assert response.json()["detail"] == "unknown or revoked API key"


async def test_malformed_authorization_header_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/devices", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


async def test_use_is_recorded(
    client: httpx.AsyncClient, world: World, db: psycopg.Connection
) -> None:
    await client.get("/v1/devices", headers=auth(world.b_member_key))
    row = db.execute(
        "SELECT last_used_at FROM api_keys WHERE key_prefix = %s", (world.b_member_key[:10],)
    ).fetchone()
    assert row is not None and row[0] is not None
