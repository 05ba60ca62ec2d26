"""Helpers the resource routers share: owner selection, links, time windows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from psycopg import AsyncConnection

from api.auth import UNAUTHORIZED_HEADERS, Caller
from api.errors import InvalidParameterError, ProblemError
from api.settings import ApiSettings
from storage.api_registry import organization_id
from storage.errors import NotFoundError


def require_authenticated(caller: Caller) -> None:
    """Writes need a key; the public gets 401 (with the challenge), not 403."""
    if caller.role == "public":
        raise ProblemError(
            401,
            "this needs an API key: 'Authorization: Bearer <key>'",
            slug="unauthorized",
            headers=UNAUTHORIZED_HEADERS,
        )


async def owner_for(
    conn: AsyncConnection[Any], caller: Caller, requested: str | None, what: str
) -> int:
    """The organisation a new or moved object goes to; only platform admins may pick another."""
    require_authenticated(caller)
    if requested is None or requested == caller.organization:
        if caller.organization_id is None:  # pragma: no cover - authenticated callers have one
            raise ProblemError(403, f"your key belongs to no organisation to own {what}")
        return caller.organization_id
    if caller.role != "admin":
        raise ProblemError(
            403,
            f"only platform admins may put {what} into another organisation",
            slug="forbidden",
        )
    try:
        return await organization_id(conn, requested)
    except NotFoundError:
        raise InvalidParameterError(
            "organization", f"organization {requested!r} does not exist", location="body"
        ) from None


def url_for_path(request: Request, settings: ApiSettings, path: str) -> str:
    """An absolute URL for `path`, behind `public_base_url` when one is configured."""
    base = str(settings.public_base_url or request.base_url).rstrip("/")
    return f"{base}{path}"


def next_link(request: Request, settings: ApiSettings, after: str) -> str:
    """RFC 8288 `Link` value for the next page of a keyset-paginated list."""
    query = request.url.remove_query_params(["after", "offset"]).include_query_params(after=after)
    url = url_for_path(request, settings, query.path)
    return f'<{url}?{query.query}>; rel="next"'


def as_utc(value: datetime | None) -> datetime | None:
    """ISO 8601 without an offset is taken as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
