"""Test data factories: every call makes fresh organisations, keys, devices and gateways."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from storage.registry import create_api_key


def random_eui() -> str:
    return secrets.token_hex(8).upper()


def make_org(db: psycopg.Connection, kind: str = "farm") -> tuple[int, str]:
    name = f"test-{kind}-{secrets.token_hex(4)}"
    row = db.execute(
        "INSERT INTO organizations (name, kind) VALUES (%s, %s) RETURNING id", (name, kind)
    ).fetchone()
    assert row is not None
    return int(row[0]), name


def make_key(db: psycopg.Connection, organization_id: int, role: str) -> str:
    return create_api_key(db, organization_id, role, name="test")


def platform_org(db: psycopg.Connection) -> int:
    row = db.execute("SELECT id FROM organizations WHERE name = 'platform'").fetchone()
    assert row is not None
    return int(row[0])


def make_device(
    db: psycopg.Connection,
    organization_id: int,
    *,
    open_data: bool = False,
    latitude: float | None = 51.48,
    longitude: float | None = 11.97,
    name: str | None = None,
    type_id: str | None = "dragino/lht65",
    tags: dict[str, Any] | None = None,
) -> tuple[int, str]:
    eui = random_eui()
    row = db.execute(
        """
        INSERT INTO devices (dev_eui, name, type_id, organization_id, latitude, longitude,
                             open_data, tags, battery_level, last_seen_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 3.1, now()) RETURNING id
        """,
        (
            eui,
            name or f"device {eui[-4:]}",
            type_id,
            organization_id,
            latitude,
            longitude,
            open_data,
            Jsonb(tags or {}),
        ),
    ).fetchone()
    assert row is not None
    return int(row[0]), eui


def quantity_id(db: psycopg.Connection, name: str) -> int:
    row = db.execute("SELECT id FROM quantities WHERE name = %s", (name,)).fetchone()
    assert row is not None, name
    return int(row[0])


def add_readings(
    db: psycopg.Connection,
    device_id: int,
    quantity: str,
    points: list[tuple[datetime, float]],
    *,
    channel: int = 0,
    flagged: bool = False,
) -> None:
    """Raw readings plus the readings_latest row the writer would keep."""
    qid = quantity_id(db, quantity)
    with db.cursor() as cur:
        cur.executemany(
            "INSERT INTO readings (time, device_id, quantity_id, channel, value, flagged) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(t, device_id, qid, channel, v, flagged) for t, v in points],
        )
    newest_time, newest_value = max(points)
    db.execute(
        """
        INSERT INTO readings_latest (device_id, quantity_id, channel, time, value, flagged)
        VALUES (%s, %s, %s, %s, %s, %s)
        ON CONFLICT (device_id, quantity_id, channel) DO UPDATE
            SET time = EXCLUDED.time, value = EXCLUDED.value, flagged = EXCLUDED.flagged
            WHERE readings_latest.time < EXCLUDED.time
        """,
        (device_id, qid, channel, newest_time, newest_value, flagged),
    )


def add_uplink(
    db: psycopg.Connection,
    device_id: int,
    received_at: datetime,
    fields: dict[str, Any] | None,
    f_cnt: int = 1,
) -> None:
    db.execute(
        """
        INSERT INTO uplinks (received_at, device_id, f_cnt, f_port, payload, type_id, fields,
                             source, gateway_count)
        VALUES (%s, %s, %s, 2, '\\x0102', 'dragino/lht65', %s, 'ttn-v3', 1)
        """,
        (received_at, device_id, f_cnt, Jsonb(fields) if fields is not None else None),
    )


def make_gateway(
    db: psycopg.Connection,
    organization_id: int | None,
    *,
    public: bool = False,
    registered_by: str = "api",
    latitude: float | None = 51.49,
    longitude: float | None = 11.96,
) -> tuple[int, str]:
    eui = random_eui()
    row = db.execute(
        """
        INSERT INTO gateways (eui, name, organization_id, latitude, longitude, public,
                              registered_by, last_seen_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, now()) RETURNING id
        """,
        (eui, f"gw {eui[-4:]}", organization_id, latitude, longitude, public, registered_by),
    ).fetchone()
    assert row is not None
    return int(row[0]), eui


def add_reception(
    db: psycopg.Connection,
    device_id: int,
    gateway_id: int,
    time: datetime,
    rssi: float,
    snr: float,
) -> None:
    db.execute(
        "INSERT INTO receptions (time, device_id, gateway_id, rssi, snr) "
        "VALUES (%s, %s, %s, %s, %s)",
        (time, device_id, gateway_id, rssi, snr),
    )


@dataclass(frozen=True)
class World:
    """Org A and org B, each with an org_admin and a member key, a private and an open device."""

    org_a: str
    org_a_id: int
    org_b: str
    org_b_id: int
    admin_key: str
    a_admin_key: str
    a_member_key: str
    b_admin_key: str
    b_member_key: str
    a_private: str
    a_private_id: int
    a_open: str
    a_open_id: int
    b_private: str
    b_private_id: int
    b_open: str
    b_open_id: int


def make_world(db: psycopg.Connection) -> World:
    org_a_id, org_a = make_org(db, "farm")
    org_b_id, org_b = make_org(db, "municipality")
    a_private_id, a_private = make_device(db, org_a_id)
    a_open_id, a_open = make_device(db, org_a_id, open_data=True)
    b_private_id, b_private = make_device(db, org_b_id)
    b_open_id, b_open = make_device(db, org_b_id, open_data=True)
    return World(
        org_a=org_a,
        org_a_id=org_a_id,
        org_b=org_b,
        org_b_id=org_b_id,
        admin_key=make_key(db, platform_org(db), "admin"),
        a_admin_key=make_key(db, org_a_id, "org_admin"),
        a_member_key=make_key(db, org_a_id, "member"),
        b_admin_key=make_key(db, org_b_id, "org_admin"),
        b_member_key=make_key(db, org_b_id, "member"),
        a_private=a_private,
        a_private_id=a_private_id,
        a_open=a_open,
        a_open_id=a_open_id,
        b_private=b_private,
        b_private_id=b_private_id,
        b_open=b_open,
        b_open_id=b_open_id,
    )


def auth(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


PROBLEM = "application/problem+json"
