"""One log line per request: method, route template, status, duration, caller. No secrets.

The Authorization header is never read here; the caller is logged as `key:<id>` or
`public`, the path as its route template (so EUIs stay out of the logs too; paths that
match no route are logged as `unmatched`), and query parameters by name only.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("api.access")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "") if isinstance(route, BaseRoute) else ""
            query = scope.get("query_string", b"").decode("latin-1")
            state = scope.get("state") or {}
            logger.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "route": template or "unmatched",
                    "params": sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)}),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                    "caller": state.get("caller", "public"),
                    "client": (scope.get("client") or ("", 0))[0],
                },
            )
