"""Connection pools, opened by whoever runs a service (never at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from psycopg_pool import AsyncConnectionPool


@asynccontextmanager
async def open_pool(
    url: str, *, min_size: int = 1, max_size: int = 4, name: str = "smartregion"
) -> AsyncIterator[AsyncConnectionPool]:
    """Open a pool for the lifetime of a service and close it afterwards."""
    pool = AsyncConnectionPool(
        url, min_size=min_size, max_size=max_size, open=False, name=name, timeout=10.0
    )
    await pool.open(wait=False)
    try:
        yield pool
    finally:
        await pool.close()
