"""Every error leaves as RFC 9457 problem+json; foreign exceptions are translated here, once."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from storage.errors import ConflictError, NotFoundError

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "https://smartregion.dev/problems/"


class ProblemError(Exception):
    """An error the API answers deliberately, with the status and the text the client sees."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class InvalidParameterError(ProblemError):
    """A 422 for one named parameter, for checks that a type annotation cannot express."""

    def __init__(self, name: str, message: str, location: str = "query") -> None:
        super().__init__(
            422,
            message,
            slug="validation",
            extra={"errors": [{"in": location, "name": name, "message": message}]},
        )


class Problem(BaseModel):
    """RFC 9457 problem details, as documented in the OpenAPI schema."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class ValidationProblem(Problem):
    errors: list[dict[str, str]] = []


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    slug: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{slug}" if slug else "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_TYPE)


def describe_validation(errors: Sequence[Any]) -> list[dict[str, str]]:
    """pydantic's error list -> [{"in", "name", "message"}], a message a person can act on."""
    described = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        where = loc[0] if loc else "body"
        name = ".".join(loc[1:]) if len(loc) > 1 else where
        message = str(err.get("msg", "invalid"))
        if message.startswith(("Value error, ", "Assertion failed, ")):
            message = message.split(", ", 1)[1]
        elif not message.startswith(name):
            message = f"{name}: {message}"
        if "datetime" in str(err.get("type", "")):
            message += " (expected ISO 8601, e.g. 2024-05-14T06:00:00Z)"
        value = err.get("input")
        if where in ("query", "path") and isinstance(value, str) and "got " not in message:
            message += f"; got {value!r}"
        described.append({"in": where, "name": name, "message": message})
    return described


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.detail, slug=exc.slug, headers=exc.headers, extra=exc.extra
        )

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        return problem_response(request, 404, str(exc), slug="not-found")

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> JSONResponse:
        return problem_response(request, 409, str(exc), slug="conflict")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = describe_validation(exc.errors())
        detail = "; ".join(e["message"] for e in errors) or "invalid request"
        return problem_response(request, 422, detail, slug="validation", extra={"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}"
        return problem_response(request, exc.status_code, detail, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unhandled error", extra={"path": request.url.path}, exc_info=exc)
        return problem_response(request, 500, "internal error; it has been logged")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
