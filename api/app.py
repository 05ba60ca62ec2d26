"""The FastAPI application: built by `create_app(settings)`; the lifespan owns the pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from api import errors
from api.errors import Problem, ValidationProblem
from api.metrics import MetricsMiddleware, RequestMetrics
from api.routes import coverage, decoders, devices, gateways, health, readings
from api.settings import ApiSettings
from storage.pool import open_pool

DESCRIPTION = """\
Sensor data of the smartregion LoRaWAN platform.

Send `Authorization: Bearer <API key>`; without it you are the public and see open data
(devices marked open data, gateways marked public). Whatever you may not see answers 404,
exactly as if it did not exist; a visible object your role may not change answers 403.
Errors are RFC 9457 `application/problem+json`.

Lists are ordered and paginated by `limit` and a cursor: the next page is the `Link`
header's `rel="next"` URL (RFC 8288). Two deliberate choices:

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
}


def create_app(settings: ApiSettings) -> FastAPI:
    """Build the app; nothing connects until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_pool(
            settings.database_url.get_secret_value(),
            min_size=settings.api_pool_min_size,
            max_size=settings.api_pool_max_size,
            name="smartregion-api",
        ) as pool:
            app.state.pool = pool
            yield

    app = FastAPI(
        title="smartregion",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    app.state.metrics = RequestMetrics()
    # Browsers on other origins (open-data portals, maps) may call the API. Keys travel in
    # the Authorization header, never in cookies, so "*" grants no ambient authority.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Link", "Location"],
    )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    errors.install(app)
    for module in (health, devices, readings, gateways, coverage, decoders):
        summaries_from_docstrings(module.router)
        app.include_router(module.router)
    return app


def summaries_from_docstrings(router: APIRouter) -> None:
    """Route docstrings are one line; make it the OpenAPI summary, not only the description."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.summary is None and route.description:
            route.summary = route.description.strip().splitlines()[0]
