"""The batch writer against a real TimescaleDB: exactly one row per uplink, whatever the batch.

A fresh batch takes the fast path (COPY straight into `uplinks`); a batch holding a
stored uplink or the same uplink twice takes the conflict-checked path. Either way each
new uplink's readings and receptions are written once and the duplicates add nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from storage.registry import ensure_organization, load_quantity_ids, register_devices
from storage.rows import Batch, DeadLetterRow, DeviceSighting, ReadingRow, ReceptionRow, UplinkRow
from storage.writer import write_batch

pytestmark = pytest.mark.integration

BASE = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def row(eui: str, minute: int, temperature: float) -> UplinkRow:
    at = BASE + timedelta(minutes=minute)
    return UplinkRow(
        dev_eui=eui, received_at=at, f_cnt=minute, f_port=1, payload=b"\x01", source="ttn-v3",
        type_id="cayenne/lpp", fields={"temperature": temperature},
        readings=(ReadingRow("air_temperature", temperature, at),
                  ReadingRow("relative_humidity", 50.0 + minute, at)),
        receptions=(ReceptionRow("58A0CBFFFE802A21", "gw-a", -90.0, 7.0),
                    ReceptionRow("58A0CBFFFE802A22", "gw-b", -110.0, -3.5)),
    )  # fmt: skip


async def write(database_url: str, eui: str, rows: list[UplinkRow]) -> tuple[int, int, int]:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        async with conn.transaction():
            org = await ensure_organization(conn, "writer-test")
            quantities = await load_quantity_ids(conn)
            devices = await register_devices(conn, [DeviceSighting(eui, BASE)], org)
            result = await write_batch(conn, Batch(uplinks=rows), devices, quantities, org)
        return result.uplinks_new, result.readings, result.receptions


def counts(db: psycopg.Connection, eui: str) -> tuple[int, int, int]:
    query = """
        SELECT (SELECT count(*) FROM uplinks u WHERE u.device_id = d.id),
               (SELECT count(*) FROM readings r WHERE r.device_id = d.id),
               (SELECT count(*) FROM receptions x WHERE x.device_id = d.id)
        FROM devices d WHERE d.dev_eui = %s
    """
    found = db.execute(query, (eui,)).fetchone()
    assert found is not None
    return found[0], found[1], found[2]


async def test_fresh_then_repeated_then_mixed_batches_store_each_uplink_once(
    database_url: str, db: psycopg.Connection
) -> None:
    eui = f"A0{random.getrandbits(56):014X}"
    # all new: the fast path
    assert await write(database_url, eui, [row(eui, 0, 20.0), row(eui, 1, 21.0)]) == (2, 4, 4)
    assert counts(db, eui) == (2, 4, 4)
    # the same batch again (a redelivery): nothing new, nothing added, no error
    assert await write(database_url, eui, [row(eui, 0, 20.0), row(eui, 1, 21.0)]) == (0, 0, 0)
    # one stored, one new twice within the batch: only the new one's rows, once
    mixed = [row(eui, 1, 21.0), row(eui, 2, 22.0), row(eui, 2, 22.0)]
    assert await write(database_url, eui, mixed) == (1, 2, 2)
    assert counts(db, eui) == (3, 6, 6)
    latest = db.execute(
        "SELECT l.value FROM readings_latest l JOIN devices d ON d.id = l.device_id "
        "JOIN quantities q ON q.id = l.quantity_id "
        "WHERE d.dev_eui = %s AND q.name = 'air_temperature'",
        (eui,),
    ).fetchone()
    assert latest == (22.0,)


async def test_a_malformed_message_delivered_again_is_one_dead_letter(
    database_url: str, db: psycopg.Connection
) -> None:
    topic = f"v3/app-{random.randrange(10**9)}@ttn/devices/broken/up"
    broken, other = b'{"end_device_ids": {"dev_', b'{"uplink_message": 5'

    async def dead_letters(*letters: DeadLetterRow) -> None:
        async with (
            await psycopg.AsyncConnection.connect(database_url) as conn,
            conn.transaction(),
        ):
            org = await ensure_organization(conn, "writer-test")
            quantities = await load_quantity_ids(conn)
            await write_batch(conn, Batch(dead_letters=list(letters)), {}, quantities, org)

    first = DeadLetterRow(topic, broken, "invalid JSON", "ttn-v3", BASE)
    await dead_letters(first, DeadLetterRow(topic, other, "not an object", "ttn-v3", BASE))
    # the broker delivers the first again (not acknowledged before a crash), twice in one
    # batch and once more later
    again = DeadLetterRow(topic, broken, "invalid JSON", "ttn-v3", BASE + timedelta(minutes=1))
    await dead_letters(again, again)
    await dead_letters(
        DeadLetterRow(topic, broken, "invalid JSON", "ttn-v3", BASE + timedelta(minutes=5))
    )
    rows = db.execute(
        "SELECT payload, deliveries, received_at, last_received_at, reason FROM dead_letters "
        "WHERE topic = %s ORDER BY id",
        (topic,),
    ).fetchall()
    assert [(bytes(r[0]), r[1]) for r in rows] == [(broken, 4), (other, 1)]
    assert rows[0][2] == BASE  # first seen
    assert rows[0][3] == BASE + timedelta(minutes=5)  # last seen
    assert rows[0][4] == "invalid JSON"
    assert rows[1][3] is None  # delivered once
