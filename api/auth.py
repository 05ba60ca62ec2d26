"""Who is calling: `Authorization: Bearer <key>` -> SHA-256 -> live key -> role, organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from psycopg import AsyncConnection

from api.errors import ProblemError
from storage.errors import NotFoundError
from storage.readings import Scope, find_caller, touch_api_key
from storage.registry import hash_key

Role = Literal["admin", "org_admin", "member", "public"]
ROLE_BY_NAME: dict[str, Role] = {"admin": "admin", "org_admin": "org_admin", "member": "member"}
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="smartregion"'}


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller's role; `organization_id` is None only for the public."""

    role: Role
    organization_id: int | None = None
    organization: str | None = None
    key_id: int | None = None

    @property
    def label(self) -> str:
        """How logs and the rate limiter name the caller: never the key itself."""
        return "public" if self.key_id is None else f"key:{self.key_id}"

    @property
    def scope(self) -> Scope:
        """What the caller may read: admin everything, an organisation its own plus open data."""
        if self.role == "admin":
            return Scope.admin()
        if self.organization_id is None:
            return Scope.public()
        return Scope.organization(self.organization_id)

    def may_write(self, organization_id: int | None) -> bool:
        """Admins change anything; organisation admins what their organisation owns."""
        if self.role == "admin":
            return True
        return (
            self.role == "org_admin"
            and organization_id is not None
            and organization_id == self.organization_id
        )

    def require_write(self, organization_id: int | None, what: str) -> None:
        """403 for an object the caller can see but not change (invisible ones are 404 before)."""
        if not self.may_write(organization_id):
            raise ProblemError(
                403, f"your role ({self.role}) may not change {what}", slug="forbidden"
            )


PUBLIC = Caller(role="public")


async def authenticate(
    conn: AsyncConnection[Any], authorization: str | None, touch_interval: timedelta
) -> Caller:
    """The caller behind an Authorization header; no header is the public, a bad key is 401."""
    if authorization is None:
        return PUBLIC
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise ProblemError(
            401,
            "the Authorization header must be 'Bearer <API key>'",
            slug="unauthorized",
            headers=UNAUTHORIZED_HEADERS,
        )
    try:
        row = await find_caller(conn, hash_key(key))
    except NotFoundError:
        raise ProblemError(
            401, "unknown or revoked API key", slug="unauthorized", headers=UNAUTHORIZED_HEADERS
        ) from None
    # last_used_at is written only when stale, so a busy key costs no write per request.
    now = datetime.now(UTC)
    if row.last_used_at is None or now - row.last_used_at > touch_interval:
        await touch_api_key(conn, row.key_id)
    return Caller(
        role=ROLE_BY_NAME.get(row.role, "member"),
        organization_id=row.organization_id,
        organization=row.organization,
        key_id=row.key_id,
    )
