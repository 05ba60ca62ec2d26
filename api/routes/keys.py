"""API keys: list, create (shown once) and revoke, within what the caller's role allows.

Platform admins manage every key; an organisation admin the keys of its organisation
(member and org_admin roles); a member sees and may revoke only the key it calls with.
A key the caller may not manage answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.auth import Caller
from api.deps import CallerDep, ConnDep, SettingsDep
from api.errors import ProblemError
from api.routes.common import next_link, owner_for, require_authenticated, write_owner
from api.schemas import KeyCreate, KeyCreated, KeyPublic
from storage import api_registry
from storage.readings import KeyRow, KeyScope, get_key, list_keys

router = APIRouter(prefix="/v1/keys", tags=["keys"])

KeyIdPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="the key's id")]


def key_scope(caller: Caller) -> KeyScope:
    require_authenticated(caller)
    if caller.role == "admin":
        return KeyScope()
    if caller.role == "org_admin":
        return KeyScope(organization_id=caller.organization_id)
    return KeyScope(key_id=caller.key_id)


def key_public(row: KeyRow) -> KeyPublic:
    return KeyPublic(
        id=row.id,
        organization=row.organization,
        role=row.role,
        prefix=row.key_prefix,
        name=row.name,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


@router.get("", response_model=list[KeyPublic])
async def list_visible_keys(
    request: Request,
    response: Response,
    conn: ConnDep,
    caller: CallerDep,
    settings: SettingsDep,
    revoked: bool | None = None,
    after: Annotated[
        int | None, Query(ge=0, le=2_147_483_647, description="cursor from the Link header")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[KeyPublic]:
    """The keys the caller may manage (never the keys themselves, only their prefixes)."""
    rows = await list_keys(conn, key_scope(caller), revoked=revoked, after=after, limit=limit)
    if len(rows) == limit:
        response.headers["Link"] = next_link(request, settings, str(rows[-1].id))
    return [key_public(r) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated)
async def create_key(body: KeyCreate, conn: ConnDep, caller: CallerDep) -> KeyCreated:
    """Create a key for the caller's organisation; the response is the only time it is shown."""
    require_authenticated(caller)
    if caller.role == "member":
        raise ProblemError(403, "members may not create keys; ask an org_admin", slug="forbidden")
    if body.role == "admin" and caller.role != "admin":
        raise ProblemError(403, "only platform admins may create admin keys", slug="forbidden")
    owner = await owner_for(conn, caller, body.organization, "keys")
    key_id, key = await api_registry.create_key(conn, owner, body.role, body.name)
    row = await get_key(conn, key_scope(caller), key_id)
    return KeyCreated(**key_public(row).model_dump(), key=key)


@router.get("/{key_id}", response_model=KeyPublic)
async def read_key(key_id: KeyIdPath, conn: ConnDep, caller: CallerDep) -> KeyPublic:
    """One key the caller may manage."""
    return key_public(await get_key(conn, key_scope(caller), key_id))


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_key(key_id: KeyIdPath, conn: ConnDep, caller: CallerDep) -> None:
    """Revoke a key at once: its next request is 401. Revoking twice changes nothing."""
    scope = key_scope(caller)
    await get_key(conn, scope, key_id)
    await api_registry.revoke_key(conn, key_id, owner=write_owner(caller), only_key=scope.key_id)
