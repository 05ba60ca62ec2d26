"""Registry writes made through the API: register, change and remove devices and gateways.

Each function runs in its own transaction and returns nothing the caller could use to
learn about rows it may not see. Permission checks happen before, against a scoped read,
and every UPDATE and DELETE repeats the ownership in its WHERE clause (`owner`: the
organisation that must own the row, None for platform admins), so a write can never reach
another organisation's row even if a check above were wrong: it finds nothing (NotFoundError).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.types.json import Jsonb

from storage.errors import ConflictError, NotFoundError
from storage.registry import KEY_PREFIX, hash_key

DEVICE_UPDATABLE = frozenset(
    {"name", "type_id", "organization_id", "latitude", "longitude", "altitude", "open_data", "tags"}
)
GATEWAY_UPDATABLE = frozenset(
    {
        "name",
        "organization_id",
        "latitude",
        "longitude",
        "altitude",
        "antenna_height_m",
        "antenna_gain_dbi",
        "public",
    }
)


@dataclass(frozen=True, slots=True)
class NewDevice:
    dev_eui: str
    organization_id: int
    name: str | None = None
    type_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    open_data: bool = False
    tags: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class NewGateway:
    eui: str
    organization_id: int
    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    antenna_height_m: float | None = None
    antenna_gain_dbi: float | None = None
    public: bool = False


async def organization_id(conn: AsyncConnection[Any], name: str) -> int:
    """The id of the organisation called `name`."""
    cur = await conn.execute("SELECT id FROM organizations WHERE name = %s", (name,))
    row = await cur.fetchone()
    if row is None:
        raise NotFoundError(f"organisation {name!r}")
    return int(row[0])


async def create_device(conn: AsyncConnection[Any], device: NewDevice) -> int:
    """Register a device; `ConflictError` when its EUI is registered already (EUIs are global)."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            INSERT INTO devices (dev_eui, name, type_id, organization_id, latitude, longitude,
                                 altitude, open_data, tags, registered_by)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'api')
            ON CONFLICT (dev_eui) DO NOTHING
            RETURNING id
            """,
            (
                device.dev_eui,
                device.name,
                device.type_id,
                device.organization_id,
                device.latitude,
                device.longitude,
                device.altitude,
                device.open_data,
                Jsonb(dict(device.tags or {})),
            ),
        )
        row = await cur.fetchone()
    if row is None:
        raise ConflictError(f"device {device.dev_eui} is already registered")
    return int(row[0])


async def update_device(
    conn: AsyncConnection[Any],
    device_id: int,
    changes: Mapping[str, Any],
    owner: int | None = None,
) -> None:
    """Set the given columns of one device; `tags` replaces the whole tag object."""
    await _update(conn, "devices", device_id, changes, DEVICE_UPDATABLE, touch=True, owner=owner)


DEVICE_DATA = ("readings_latest", "readings", "uplinks", "receptions", "device_events")
ROLLUP_STORES = ("readings_hourly_store", "readings_daily_store")  # Apache edition only


async def delete_device(
    conn: AsyncConnection[Any], device_id: int, owner: int | None = None
) -> None:
    """Remove a device with everything stored about it, its rollups included."""
    async with conn.transaction():
        await _lock_owned(conn, "devices", device_id, owner)
        cur = await conn.execute(
            "SELECT t FROM unnest(%s::text[]) t WHERE to_regclass(t) IS NOT NULL",
            (list(ROLLUP_STORES),),
        )
        stores = [str(r[0]) for r in await cur.fetchall()]
        for table in (*DEVICE_DATA, *stores):
            await conn.execute(
                sql.SQL("DELETE FROM {} WHERE device_id = %s").format(sql.Identifier(table)),
                (device_id,),
            )
        await conn.execute("DELETE FROM devices WHERE id = %s", (device_id,))


async def register_gateway(conn: AsyncConnection[Any], gateway: NewGateway) -> bool:
    """Register a gateway, or claim it when only the ingestor has seen it so far.

    A gateway first seen on the air belongs to nobody in particular (the ingestor's default
    organisation, `registered_by = 'first_sight'`), so whoever registers it first claims it.
    One registered through the API or an import is owned: `ConflictError`.
    Returns True when the row is new, False when an unclaimed one was claimed.
    """
    async with conn.transaction():
        cur = await conn.execute(
            """
            INSERT INTO gateways (eui, name, organization_id, latitude, longitude, altitude,
                                  antenna_height_m, antenna_gain_dbi, public, registered_by)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'api')
            ON CONFLICT (eui) DO UPDATE SET
                name = COALESCE(EXCLUDED.name, gateways.name),
                organization_id = EXCLUDED.organization_id,
                latitude = COALESCE(EXCLUDED.latitude, gateways.latitude),
                longitude = COALESCE(EXCLUDED.longitude, gateways.longitude),
                altitude = COALESCE(EXCLUDED.altitude, gateways.altitude),
                antenna_height_m = COALESCE(EXCLUDED.antenna_height_m, gateways.antenna_height_m),
                antenna_gain_dbi = COALESCE(EXCLUDED.antenna_gain_dbi, gateways.antenna_gain_dbi),
                public = EXCLUDED.public,
                registered_by = 'api'
            WHERE gateways.organization_id IS NULL OR gateways.registered_by = 'first_sight'
            RETURNING (xmax = 0) AS created
            """,
            (
                gateway.eui,
                gateway.name,
                gateway.organization_id,
                gateway.latitude,
                gateway.longitude,
                gateway.altitude,
                gateway.antenna_height_m,
                gateway.antenna_gain_dbi,
                gateway.public,
            ),
        )
        row = await cur.fetchone()
    if row is None:
        raise ConflictError(f"gateway {gateway.eui} is already registered")
    return bool(row[0])


async def update_gateway(
    conn: AsyncConnection[Any],
    gateway_id: int,
    changes: Mapping[str, Any],
    owner: int | None = None,
) -> None:
    """Set the given columns of one gateway."""
    await _update(
        conn, "gateways", gateway_id, changes, GATEWAY_UPDATABLE, touch=False, owner=owner
    )


async def delete_gateway(
    conn: AsyncConnection[Any], gateway_id: int, owner: int | None = None
) -> None:
    """Remove a gateway and the receptions it recorded; if it is heard again it starts afresh."""
    async with conn.transaction():
        await _lock_owned(conn, "gateways", gateway_id, owner)
        await conn.execute("DELETE FROM receptions WHERE gateway_id = %s", (gateway_id,))
        await conn.execute("DELETE FROM gateways WHERE id = %s", (gateway_id,))


# --- API keys ----------------------------------------------------------------------------


async def create_key(
    conn: AsyncConnection[Any], organization_id: int, role: str, name: str | None
) -> tuple[int, str]:
    """A new key (id, key); the key itself is returned once and only its hash is stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    async with conn.transaction():
        cur = await conn.execute(
            "INSERT INTO api_keys (organization_id, role, key_prefix, key_hash, name) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (organization_id, role, key[:10], hash_key(key), name),
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row[0]), key


async def revoke_key(
    conn: AsyncConnection[Any], key_id: int, owner: int | None = None, only_key: int | None = None
) -> None:
    """Revoke a key from now on (idempotent); `owner` / `only_key` narrow what may be hit."""
    async with conn.transaction():
        cur = await conn.execute(
            """
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
            WHERE id = %(id)s
              AND (%(owner)s::int IS NULL OR organization_id = %(owner)s)
              AND (%(only)s::int IS NULL OR id = %(only)s)
            RETURNING id
            """,
            {"id": key_id, "owner": owner, "only": only_key},
        )
        if await cur.fetchone() is None:
            raise NotFoundError(f"API key {key_id}")


async def _lock_owned(
    conn: AsyncConnection[Any], table: str, row_id: int, owner: int | None
) -> None:
    cur = await conn.execute(
        sql.SQL(
            "SELECT 1 FROM {} WHERE id = %(id)s "
            "AND (%(owner)s::int IS NULL OR organization_id = %(owner)s) FOR UPDATE"
        ).format(sql.Identifier(table)),
        {"id": row_id, "owner": owner},
    )
    if await cur.fetchone() is None:
        raise NotFoundError(f"{table[:-1]} {row_id}")


async def _update(
    conn: AsyncConnection[Any],
    table: str,
    row_id: int,
    changes: Mapping[str, Any],
    allowed: frozenset[str],
    *,
    touch: bool,
    owner: int | None = None,
) -> None:
    if not changes:
        return
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not updatable in {table}: {sorted(unknown)}")
    assignments: list[sql.Composable] = [
        sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column))
        for column in sorted(changes)
    ]
    if touch:
        assignments.append(sql.SQL("updated_at = now()"))
    params = {k: Jsonb(dict(v)) if k == "tags" else v for k, v in changes.items()}
    params["_id"] = row_id
    params["_owner"] = owner
    query = sql.SQL(
        "UPDATE {table} SET {assignments} WHERE id = %(_id)s "
        "AND (%(_owner)s::int IS NULL OR organization_id = %(_owner)s) RETURNING id"
    ).format(table=sql.Identifier(table), assignments=sql.SQL(", ").join(assignments))
    async with conn.transaction():
        cur = await conn.execute(query, params)
        if await cur.fetchone() is None:
            raise NotFoundError(f"{table[:-1]} {row_id}")
