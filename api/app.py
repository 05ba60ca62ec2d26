"""The FastAPI application: built by `create_app(settings)`; the lifespan owns the pool."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from psycopg.conninfo import make_conninfo

from api import errors
from api.access_log import AccessLogMiddleware
from api.errors import Problem, ValidationProblem
from api.metrics import MetricsMiddleware, RequestMetrics
from api.ratelimit import RateLimiter
from api.routes import coverage, decoders, devices, gateways, health, keys, readings
from api.settings import ApiSettings
from storage.maintenance import run_periodically
from storage.pool import open_pool

DESCRIPTION = """\
Sensor data of the smartregion LoRaWAN platform.

Send `Authorization: Bearer <API key>`; without it you are the public and see open data
(devices marked open data, gateways marked public). Whatever you may not see answers 404,
exactly as if it did not exist; a visible object your role may not change answers 403.
Errors are RFC 9457 `application/problem+json`.

Lists are ordered and paginated by `limit` and a cursor: the next page is the `Link`
header's `rel="next"` URL (RFC 8288). Lists and series answer JSON by default; ask for
CSV or GeoJSON with `format=csv|geojson` or an `Accept: text/csv` /
`Accept: application/geo+json` header where a route offers them.

Roles: `admin` (platform-wide), `org_admin` (changes what the organisation owns, marks
devices as open data, manages the organisation's keys), `member` (reads the
organisation's devices and gateways). Farm data stays the farm's: a device is private until
an organisation admin marks it open data, and coverage and regional aggregates only ever
use devices the caller may see.

Requests are rate limited per key (per client address without a key): `RateLimit-Limit`
and `RateLimit-Remaining` headers, 429 with `Retry-After` when exceeded.

Two deliberate choices:

* Registering a device whose EUI is already registered answers 409 even when the existing
  device belongs to another organisation: EUIs are globally unique, so the answer can only
  say "taken". It names neither owner nor anything else about the device.
* Registering a gateway the network has heard but nobody has registered (the ingestor's
  first-sight entry in its default organisation, or one without owner) claims it into your
  organisation. A gateway registered through the API or an import answers 409.
"""

PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "unknown or revoked API key"},
    404: {"model": Problem, "description": "not found, or not visible to the caller"},
    422: {"model": ValidationProblem, "description": "a parameter or field is invalid"},
    429: {"model": Problem, "description": "rate limit exceeded; see Retry-After"},
}


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory api.app:create_app_from_env`: settings from SMARTREGION_*."""
    return create_app(ApiSettings())


def create_app(settings: ApiSettings) -> FastAPI:
    """Build the app; nothing connects until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_pool(
            # JIT compiles for 0.2-2 s what runs in milliseconds here (perf.md §6).
            make_conninfo(settings.database_url.get_secret_value(), options="-c jit=off"),
            min_size=settings.api_pool_min_size,
            max_size=settings.api_pool_max_size,
            name="smartregion-api",
        ) as pool:
            app.state.pool = pool
            refresher = None
            if settings.rollup_refresh_interval_s > 0:
                refresher = asyncio.create_task(
                    run_periodically(lambda: _autocommit(pool), settings.rollup_refresh_interval_s)
                )
            # Startup objects (routes, models, the OpenAPI document) never die: keep them out
            # of the collector's scans so a full collection costs less on large answers.
            gc.freeze()
            try:
                yield
            finally:
                if refresher is not None:
                    refresher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await refresher

    app = FastAPI(
        title="smartregion",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    app.state.metrics = RequestMetrics()
    app.state.rate_limiter = RateLimiter(settings.api_rate_limit, settings.api_public_rate_limit)
    # Browsers on other origins (open-data portals, maps) may call the API. Keys travel in
    # the Authorization header, never in cookies, so "*" grants no ambient authority;
    # SMARTREGION_CORS_ALLOW_ORIGINS narrows it to a list.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        expose_headers=[
            "Link",
            "Location",
            "Retry-After",
            "RateLimit-Limit",
            "RateLimit-Remaining",
        ],
    )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    if settings.api_access_log:
        app.add_middleware(AccessLogMiddleware)
    errors.install(app)
    for module in (health, devices, readings, gateways, coverage, decoders, keys):
        summaries_from_docstrings(module.router)
        app.include_router(module.router)
    return app


def summaries_from_docstrings(router: APIRouter) -> None:
    """Route docstrings are one line; make it the OpenAPI summary, not only the description."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.summary is None and route.description:
            route.summary = route.description.strip().splitlines()[0]


@asynccontextmanager
async def _autocommit(pool: Any) -> AsyncIterator[Any]:
    async with pool.connection() as conn:
        await conn.set_autocommit(True)
        yield conn
