"""Helpers the resource routers share: owner selection, links, time windows, formats."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from fastapi import Request, Response
from psycopg import AsyncConnection

from api.auth import UNAUTHORIZED_HEADERS, Caller
from api.errors import InvalidParameterError, ProblemError
from api.settings import ApiSettings
from decoders.quantities import QUANTITIES
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


def write_owner(caller: Caller) -> int | None:
    """The organisation a write must hit in SQL: the caller's, or None for platform admins."""
    return None if caller.role == "admin" else caller.organization_id


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


# --- output formats ----------------------------------------------------------------------

CSV = "text/csv"
GEOJSON = "application/geo+json"
Format = Literal["json", "csv", "geojson"]
MEDIA = {"json": "application/json", "csv": CSV, "geojson": GEOJSON}
FORMAT_HELP = "json (default), csv or geojson where offered; or send an Accept header"


def choose_format(request: Request, requested: str | None, offered: tuple[str, ...]) -> str:
    """`format=` wins, then the Accept header; JSON when neither names an offered format."""
    if requested is not None:
        if requested not in offered:
            raise InvalidParameterError(
                "format", f"format must be one of {', '.join(offered)}; got {requested!r}"
            )
        return requested
    accept = request.headers.get("accept", "")
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        for name in offered:
            if media == MEDIA[name]:
                return name
    return "json"


def csv_response(header: list[str], rows: Iterable[Iterable[Any]], filename: str) -> Response:
    """RFC 4180 CSV; times in ISO 8601, JSON objects as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return Response(
        out.getvalue(),
        media_type=f"{CSV}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def geojson_response(body: Mapping[str, Any]) -> Response:
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type=GEOJSON)


def with_headers(out: Response, carrier: Response, link: str | None = None) -> Response:
    """Carry the headers dependencies set on the injected Response (rate limit) over to `out`."""
    for name, value in carrier.headers.items():
        if name.lower() not in ("content-length", "content-type"):
            out.headers[name] = value
    if link:
        out.headers["Link"] = link
    return out


def fast_json(body: Any, media_type: str = "application/json") -> Response:
    """Serialize plain dicts and lists with orjson, skipping response-model validation.

    For the large answers on the hot paths (thousands of readings); the route's
    response_model still documents the shape, and the tests check the two agree.
    """
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type=media_type)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def alternative_content(
    *formats: str, geojson_schema: dict[str, Any] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: the 200 answer's other media types, next to the JSON model."""
    content: dict[str, Any] = {}
    if "csv" in formats:
        content[CSV] = {"schema": {"type": "string"}, "example": "dev_eui,name\r\n"}
    if "geojson" in formats:
        content[GEOJSON] = {"schema": geojson_schema or GEOJSON_COLLECTION}
    return {200: {"content": content}}


GEOJSON_COLLECTION: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {"anyOf": [{"type": "object"}, {"type": "null"}]},
                    "properties": {"type": "object"},
                },
            },
        },
    },
}


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """west,south,east,north (RFC 7946 order) -> a tuple, or a 422 that says what to send."""
    if text is None:
        return None
    message = "bbox must be four numbers west,south,east,north with west<=east and south<=north"
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidParameterError("bbox", f"{message}; got {text!r}") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidParameterError("bbox", f"{message}; got {text!r}")
    return west, south, east, north


def parse_quantities(values: list[str] | None) -> list[str] | None:
    """`quantity=a&quantity=b` or `quantity=a,b` -> names, each checked against the vocabulary."""
    if not values:
        return None
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for name in names:
        if name not in QUANTITIES:
            raise InvalidParameterError(
                "quantity", f"quantity {name!r} is not in the vocabulary (e.g. air_temperature)"
            )
    return sorted(set(names)) or None


def parse_tags(values: list[str] | None) -> list[tuple[str, str | None]]:
    """`tag=key` (has the tag) or `tag=key:value` (the tag has this value)."""
    tags: list[tuple[str, str | None]] = []
    for raw in values or []:
        key, sep, value = raw.partition(":")
        if not key.strip():
            raise InvalidParameterError("tag", f"tag must be key or key:value; got {raw!r}")
        tags.append((key.strip(), value if sep else None))
    return tags
