"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import logging

import psycopg
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from api.deps import PoolDep
from api.errors import ProblemError
from storage.readings import pending_migrations

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 3.0


class Health(BaseModel):
    status: str


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"description": "not ready"}})
async def readyz(pool: PoolDep) -> Health:
    """The database answers and its schema is fully migrated."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_S), pool.connection() as conn:
            pending = await pending_migrations(conn)
    except (psycopg.Error, TimeoutError, OSError) as exc:  # PoolTimeout is a psycopg.Error
        logger.warning("readiness check failed", extra={"error": type(exc).__name__})
        raise ProblemError(503, "database unreachable", slug="not-ready") from None
    if pending:
        raise ProblemError(
            503, f"database not migrated: pending {', '.join(pending)}", slug="not-ready"
        )
    return Health(status="ready")


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Request counts and latencies by route, in the Prometheus text format."""
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
