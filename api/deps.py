"""FastAPI dependencies as `Annotated` aliases: settings, pool, connection, caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from api.auth import Caller, authenticate
from api.ratelimit import RateLimiter
from api.settings import ApiSettings

# Declared for the OpenAPI security scheme; the header itself is parsed in `authenticate`,
# so that a malformed one is a 401 rather than silently the public.
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`")


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def get_pool(request: Request) -> AsyncConnectionPool[AsyncConnection[Any]]:
    pool: AsyncConnectionPool[AsyncConnection[Any]] = request.app.state.pool
    return pool


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
PoolDep = Annotated[AsyncConnectionPool[AsyncConnection[Any]], Depends(get_pool)]


async def get_conn(pool: PoolDep) -> AsyncIterator[AsyncConnection[Any]]:
    """One pooled connection per request, in autocommit: writes open their own transactions."""
    async with pool.connection() as conn:
        await conn.set_autocommit(True)
        yield conn


ConnDep = Annotated[AsyncConnection[Any], Depends(get_conn)]


async def get_caller(
    request: Request,
    response: Response,
    conn: ConnDep,
    settings: SettingsDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """Authenticate, then count the request against the caller's rate limit."""
    caller = await authenticate(
        conn,
        request.headers.get("authorization"),
        timedelta(seconds=settings.api_key_touch_interval_s),
    )
    request.state.caller = caller.label
    limiter: RateLimiter = request.app.state.rate_limiter
    public = caller.key_id is None
    client = request.client.host if request.client else "unknown"
    identity = f"ip:{client}" if public else caller.label
    response.headers.update(limiter.check(identity, public=public))
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
