"""Devices, gateways, organisations and API keys."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, Connection
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from storage.errors import ConflictError, NotFoundError
from storage.rows import DeviceRef, DeviceSighting

KEY_PREFIX = "sr_"


@dataclass(frozen=True, slots=True)
class Organization:
    id: int
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class DeviceImport:
    """One device of `smartregion devices import`."""

    dev_eui: str
    name: str | None = None
    type_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    open_data: bool = False
    tags: Mapping[str, Any] | None = None


async def ensure_organization(conn: AsyncConnection, name: str, kind: str = "community") -> int:
    """The id of the organisation `name`, created with `kind` when missing."""
    cur = await conn.execute(
        "INSERT INTO organizations (name, kind) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING "
        "RETURNING id",
        (name, kind),
    )
    row = await cur.fetchone()
    if row is None:
        cur = await conn.execute("SELECT id FROM organizations WHERE name = %s", (name,))
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


def create_organization(conn: Connection, name: str, kind: str) -> Organization:
    cur = conn.cursor(row_factory=class_row(Organization))
    row = cur.execute(
        "INSERT INTO organizations (name, kind) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING "
        "RETURNING id, name, kind",
        (name, kind),
    ).fetchone()
    if row is None:
        raise ConflictError(f"organisation {name!r} exists already")
    return row


def find_organization(conn: Connection, name: str) -> Organization:
    cur = conn.cursor(row_factory=class_row(Organization))
    row = cur.execute(
        "SELECT id, name, kind FROM organizations WHERE name = %s", (name,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"organisation {name!r}")
    return row


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def create_api_key(
    conn: Connection, organization_id: int, role: str, name: str | None = None
) -> str:
    """Create a key and return it; only its hash is stored, so this is the one chance to see it."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO api_keys (organization_id, role, key_prefix, key_hash, name) "
        "VALUES (%s, %s, %s, %s, %s)",
        (organization_id, role, key[:10], hash_key(key), name),
    )
    return key


async def register_devices(
    conn: AsyncConnection, sightings: Iterable[DeviceSighting], organization_id: int
) -> dict[str, DeviceRef]:
    """Register unknown devices on first sight and return every sighted device's reference.

    Rows are locked in EUI order so that concurrent ingestors cannot deadlock.
    """
    latest: dict[str, DeviceSighting] = {}
    for s in sightings:
        seen = latest.get(s.dev_eui)
        if seen is None or s.seen_at > seen.seen_at:
            latest[s.dev_eui] = s
    if not latest:
        return {}
    ordered = [latest[eui] for eui in sorted(latest)]
    cur = conn.cursor(row_factory=class_row(DeviceRef))
    await cur.execute(
        """
        INSERT INTO devices (dev_eui, name, organization_id, registered_by, source,
                             application_id, ns_type_hint, last_seen_at)
        SELECT s.dev_eui, s.name, %s, 'first_sight', s.source, s.application_id, s.hint, s.seen
        FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::timestamptz[])
             AS s(dev_eui, name, source, application_id, hint, seen)
        ON CONFLICT (dev_eui) DO UPDATE
            SET last_seen_at = GREATEST(devices.last_seen_at, EXCLUDED.last_seen_at),
                ns_type_hint = COALESCE(EXCLUDED.ns_type_hint, devices.ns_type_hint)
        RETURNING id, dev_eui, type_id, ns_type_hint
        """,
        (
            organization_id,
            [s.dev_eui for s in ordered],
            [s.name for s in ordered],
            [s.source for s in ordered],
            [s.application_id for s in ordered],
            [s.type_hint for s in ordered],
            [s.seen_at for s in ordered],
        ),
    )
    return {ref.dev_eui: ref for ref in await cur.fetchall()}


def import_devices(
    conn: Connection, devices: Sequence[DeviceImport], organization_id: int
) -> tuple[int, int]:
    """Insert or update devices from an import file; returns (created, updated).

    An imported device that was already registered on first sight moves into the
    importing organisation: the import is the owner's claim.
    """
    created = updated = 0
    with conn.cursor() as cur:
        for d in devices:
            cur.execute(
                """
                INSERT INTO devices (dev_eui, name, type_id, organization_id, latitude, longitude,
                                     altitude, open_data, tags, registered_by)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'import')
                ON CONFLICT (dev_eui) DO UPDATE SET
                    name = COALESCE(EXCLUDED.name, devices.name),
                    type_id = COALESCE(EXCLUDED.type_id, devices.type_id),
                    organization_id = EXCLUDED.organization_id,
                    latitude = COALESCE(EXCLUDED.latitude, devices.latitude),
                    longitude = COALESCE(EXCLUDED.longitude, devices.longitude),
                    altitude = COALESCE(EXCLUDED.altitude, devices.altitude),
                    open_data = EXCLUDED.open_data,
                    tags = devices.tags || EXCLUDED.tags,
                    updated_at = now()
                RETURNING (xmax = 0) AS inserted
                """,
                (
                    d.dev_eui,
                    d.name,
                    d.type_id,
                    organization_id,
                    d.latitude,
                    d.longitude,
                    d.altitude,
                    d.open_data,
                    Jsonb(dict(d.tags or {})),
                ),
            )
            row = cur.fetchone()
            if row and row[0]:
                created += 1
            else:
                updated += 1
    return created, updated


async def resolve_gateways(
    conn: AsyncConnection,
    gateways: Iterable[tuple[str | None, str | None, float | None, float | None, float | None]],
    organization_id: int,
    seen_at: datetime,
) -> dict[tuple[str | None, str | None], int]:
    """Register unknown gateways and map each (eui, network_id) to its row id.

    A gateway is known by its EUI when the network server gives one, else by the
    server's own id. First sight records the location the network server reported.
    """
    unique: dict[
        tuple[str | None, str | None], tuple[float | None, float | None, float | None]
    ] = {}
    for eui, network_id, lat, lon, alt in gateways:
        if eui is None and network_id is None:
            continue
        unique.setdefault((eui, network_id), (lat, lon, alt))
    if not unique:
        return {}
    keys = sorted(unique, key=lambda k: (k[0] or "", k[1] or ""))
    await conn.execute(
        """
        INSERT INTO gateways (eui, network_id, organization_id, latitude, longitude, altitude,
                              last_seen_at)
        SELECT g.eui, g.network_id, %s, g.lat, g.lon, g.alt, %s
        FROM unnest(%s::text[], %s::text[], %s::float8[], %s::float8[], %s::float8[])
             AS g(eui, network_id, lat, lon, alt)
        ON CONFLICT DO NOTHING
        """,
        (
            organization_id,
            seen_at,
            [k[0] for k in keys],
            [k[1] for k in keys],
            [unique[k][0] for k in keys],
            [unique[k][1] for k in keys],
            [unique[k][2] for k in keys],
        ),
    )
    euis = [k[0] for k in keys if k[0]]
    network_ids = [k[1] for k in keys if k[1]]
    cur = await conn.execute(
        "SELECT id, eui, network_id FROM gateways WHERE eui = ANY(%s) OR network_id = ANY(%s)",
        (euis, network_ids),
    )
    by_eui: dict[str, int] = {}
    by_network_id: dict[str, int] = {}
    for gid, eui, network_id in await cur.fetchall():
        if eui:
            by_eui[eui] = gid
        if network_id:
            by_network_id[network_id] = gid
    resolved: dict[tuple[str | None, str | None], int] = {}
    for eui, network_id in keys:
        gid = by_eui.get(eui) if eui else None
        if gid is None and network_id:
            gid = by_network_id.get(network_id)
        if gid is not None:
            resolved[(eui, network_id)] = gid
    return resolved


async def load_quantity_ids(conn: AsyncConnection) -> dict[str, int]:
    cur = await conn.execute("SELECT name, id FROM quantities")
    return dict(await cur.fetchall())


async def newest_uplink_of_application(
    conn: AsyncConnection, application_id: str, source: str = "ttn-v3"
) -> datetime | None:
    """When the newest uplink of a network-server application arrived (for gap-filling)."""
    cur = await conn.execute(
        "SELECT max(last_seen_at) FROM devices WHERE application_id = %s AND source = %s",
        (application_id, source),
    )
    row = await cur.fetchone()
    return row[0] if row else None
