"""`smartregion reprocess`: raw uplinks decoded once their type is known; dead letters retried."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest

from decoders import CATALOG, battery
from netserver import render
from tests.fixtures.broker import Broker
from tests.fixtures.ingest import apublish, running_ingestor, scalar, wait_for
from tests.integration.ingestor.test_ingest import random_eui, stored_readings, uplink, uplink_count

pytestmark = pytest.mark.integration

LSE01 = bytes.fromhex("0b45000005dcff7e00c800")  # Dragino manual example
LSE01_PACK = CATALOG["dragino/lse01"].battery
assert LSE01_PACK is not None


def smartregion(database_url: str, *args: str) -> dict[str, int]:
    env = {**os.environ, "SMARTREGION_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def test_raw_uplinks_are_decoded_once_the_type_is_known(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    eui = random_eui()
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [render(uplink(eui, LSE01, f_port=2), "ttn-v3")])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the raw uplink")
    assert stored_readings(db, eui) == {}
    db.execute("UPDATE devices SET type_id = 'dragino/lse01' WHERE dev_eui = %s", (eui,))

    result = smartregion(database_url, "reprocess", "--device", eui.lower())
    assert result["uplinks_decoded"] == 1
    assert stored_readings(db, eui) == {
        ("battery_voltage", 0): pytest.approx(2.885),
        ("soil_moisture", 0): pytest.approx(15.0),
        ("soil_temperature", 0): pytest.approx(-1.3),
        ("soil_conductivity", 0): pytest.approx(200),
        # the platform's estimate from the LSE01's documented cell (decoders.battery)
        (battery.QUANTITY, 0): battery.estimate(LSE01_PACK, 2.885),
    }
    fields = scalar(
        db,
        "SELECT u.fields FROM uplinks u JOIN devices d ON d.id = u.device_id WHERE d.dev_eui = %s",
        (eui,),
    )
    assert fields["conduct_SOIL"] == 200
    # running it again changes nothing
    smartregion(database_url, "reprocess", "--device", eui)
    assert len(stored_readings(db, eui)) == 5


def test_dead_letters_that_parse_now_are_recovered(
    database_url: str, db: psycopg.Connection
) -> None:
    eui = random_eui()
    topic, body = render(
        uplink(eui, LSE01, f_port=2, brand_id="dragino", model_id="lse01"), "ttn-v3"
    )
    # as if an older parser had refused it
    recoverable = db.execute(
        "INSERT INTO dead_letters (topic, payload, reason) VALUES (%s, %s, 'old parser') "
        "RETURNING id",
        (topic, body),
    ).fetchone()
    hopeless = db.execute(
        "INSERT INTO dead_letters (topic, payload, reason) VALUES (%s, %s, 'not JSON') "
        "RETURNING id",
        (topic, b"{broken"),
    ).fetchone()
    assert recoverable and hopeless

    result = smartregion(database_url, "reprocess", "--device", eui, "--dead-letters")
    assert result["dead_letters_recovered"] >= 1
    assert uplink_count(db, eui) == 1
    assert len(stored_readings(db, eui)) == 5
    assert scalar(db, "SELECT count(*) FROM dead_letters WHERE id = %s", (recoverable[0],)) == 0
    assert scalar(db, "SELECT reason FROM dead_letters WHERE id = %s", (hopeless[0],)) == "not JSON"
