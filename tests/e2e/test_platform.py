"""The whole platform through its command-line and HTTP contracts, as an operator drives it.

`smartregion devices import` -> `smartregion ingest` (subprocess, real broker, real
database) <- vendor payloads in TTN v3 and ChirpStack v4 envelopes; then
`smartregion api` answers `/v1/devices/{eui}/latest` with the vendor's values.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from cli.localstack import free_port
from decoders import CATALOG, battery
from tests.fixtures.broker import Broker
from tests.fixtures.ingest import publish, scalar

pytestmark = pytest.mark.e2e

# Vendor documentation examples (values as the vendors print them):
# Dragino LSE01 manual, 2.3 "Uplink Payload": BAT 0x0B45 = 2.885 V, moisture 0x05DC = 15 %,
# soil temperature 0xFF7E (two's complement -1.30 degC), conductivity 0x00C8 = 200 uS/cm.
LSE01_HEX = "0b45000005dcff7e00c800"
LSE01_READINGS = {
    "battery_voltage": 2.885,
    "soil_moisture": 15.0,
    "soil_temperature": -1.3,
    "soil_conductivity": 200.0,
}
LSE01_PACK = CATALOG["dragino/lse01"].battery
assert LSE01_PACK is not None
# Cayenne LPP documentation example: temperature 27.2 degC on channel 3, 25.5 degC on 5.
LPP_HEX = "03670110056700ff"


def cli(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check:
        assert result.returncode == 0, f"smartregion {' '.join(args)}: {result.stderr}"
    return result


@pytest.fixture
def env(database_url: str, broker: Broker) -> dict[str, str]:
    return {
        **os.environ,
        "SMARTREGION_DATABASE_URL": database_url,
        "SMARTREGION_MQTT_URL": broker.url,
        "SMARTREGION_MQTT_CLIENT_ID": f"e2e-{uuid.uuid4().hex[:8]}",
        "SMARTREGION_LOG_LEVEL": "INFO",
        # the session database is shared: a refresh here would move the rollup watermark
        # past the historical data other tests insert later (late data waits for the next
        # refresh, as with TimescaleDB's own continuous aggregates)
        "SMARTREGION_ROLLUP_REFRESH_INTERVAL_S": "0",
    }


@pytest.fixture
def api_url(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "api.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "api", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, (tmp_path / "api.log").read_text()
        time.sleep(0.2)
    else:
        pytest.fail("API did not become ready: " + (tmp_path / "api.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def start_ingest(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "ingest"], env=env, stdout=log, stderr=log
        )
    deadline = time.monotonic() + 20
    while "subscribed" not in log_path.read_text():
        assert proc.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "ingestor did not subscribe: " + log_path.read_text()
        time.sleep(0.1)
    return proc


@contextlib.contextmanager
def ingest_process(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`smartregion ingest`, killed on the way out if a failed assertion left it running."""
    proc = start_ingest(env, log_path)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def ttn_uplink(
    eui: str, app: str, f_port: int, payload_hex: str, f_cnt: int, **version: str
) -> tuple[str, bytes]:
    """A TTN v3 uplink as The Things Stack publishes it (written out, not rendered by us)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    body = {
        "end_device_ids": {
            "device_id": f"dev-{eui.lower()}",
            "application_ids": {"application_id": app},
            "dev_eui": eui,
            "dev_addr": "260B1234",
        },
        "correlation_ids": [f"as:up:{uuid.uuid4().hex}"],
        "received_at": f"{now}.123456789Z",
        "uplink_message": {
            "session_key_id": "AXZ2k1ba0yIBUb6m5gHkZg==",
            "f_port": f_port,
            "f_cnt": f_cnt,
            "frm_payload": base64.b64encode(bytes.fromhex(payload_hex)).decode(),
            "rx_metadata": [
                {
                    "gateway_ids": {"gateway_id": "leipzig-gw-1", "eui": "B827EBFFFE000001"},
                    "rssi": -97,
                    "channel_rssi": -97,
                    "snr": 8.25,
                    "location": {"latitude": 51.3397, "longitude": 12.3731, "altitude": 120},
                }
            ],
            "settings": {
                "data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7}},
                "frequency": "868100000",
            },
            "received_at": f"{now}.101112131Z",
            "consumed_airtime": "0.061696s",
            **({"version_ids": version} if version else {}),
        },
    }
    return f"v3/{app}@ttn/devices/dev-{eui.lower()}/up", json.dumps(body).encode()


def chirpstack_uplink(eui: str, f_port: int, payload_hex: str, f_cnt: int) -> tuple[str, bytes]:
    """A ChirpStack v4 `up` event as its MQTT integration publishes it (JSON)."""
    app_id = str(uuid.uuid4())
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    body = {
        "deduplicationId": str(uuid.uuid4()),
        "time": f"{now}.775023242+00:00",
        "deviceInfo": {
            "tenantId": str(uuid.uuid4()),
            "tenantName": "Stadt Halle",
            "applicationId": app_id,
            "applicationName": "Pegel",
            "deviceProfileId": str(uuid.uuid4()),
            "deviceProfileName": "Some profile",
            "deviceName": "Pegel Saale",
            "devEui": eui.lower(),
        },
        "devAddr": "00189440",
        "dr": 5,
        "fCnt": f_cnt,
        "fPort": f_port,
        "confirmed": False,
        "data": base64.b64encode(bytes.fromhex(payload_hex)).decode(),
        "rxInfo": [{"gatewayId": "0016c001f153a14c", "uplinkId": 1, "rssi": -80, "snr": 9.0}],
        "txInfo": {
            "frequency": 867100000,
            "modulation": {
                "lora": {"bandwidth": 125000, "spreadingFactor": 7, "codeRate": "CR_4_5"}
            },
        },
    }
    return f"application/{app_id}/device/{eui.lower()}/event/up", json.dumps(body).encode()


def test_vendor_payloads_come_out_of_the_api(
    env: dict[str, str], broker: Broker, api_url: str, db: psycopg.Connection, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:8].upper()
    lse01_eui = f"A84041{suffix}00"[:16]
    lpp_eui = f"70B3D5{suffix}01"[:16]
    cs_eui = f"0004A3{suffix}02"[:16]
    org = f"Agrar {suffix}"

    # 1. the operator registers the ChirpStack device with its type (ChirpStack has no version_ids)
    devices_csv = tmp_path / "devices.csv"
    devices_csv.write_text(
        "dev_eui,name,type,latitude,longitude,open_data\n"
        f"{cs_eui.lower()},Bodensonde Feld 7,dragino/lse01,51.40,12.10,false\n"
        f"{lpp_eui},Wetterstation Hof,cayenne/lpp,51.41,12.11,true\n"
    )
    out = cli("devices", "import", str(devices_csv), "--org", org, env=env)
    assert "2 device(s)" in out.stdout
    admin_key = cli(
        "keys", "create", "--org", "platform", "--role", "admin", env=env
    ).stdout.split()[-1]
    assert admin_key.startswith("sr_")

    # 2. the ingestor runs as the operator runs it, and vendor payloads arrive
    ingest_log = tmp_path / "ingest.log"
    with ingest_process(env, ingest_log) as ingest:
        app = f"farm-{suffix.lower()}"
        messages = [
            ttn_uplink(lse01_eui, app, 2, LSE01_HEX, 7, brand_id="dragino", model_id="lse01"),
            (f"v3/{app}@ttn/devices/broken/up", b'{"end_device_ids": {"dev_eui": "A840'),
            chirpstack_uplink(cs_eui, 2, LSE01_HEX, 3),
            ttn_uplink(lpp_eui, app, 1, LPP_HEX, 1),
        ]
        publish(broker.url, messages)
        headers = {"Authorization": f"Bearer {admin_key}"}

        def has_readings(eui: str) -> bool:
            r = httpx.get(f"{api_url}/v1/devices/{eui}/latest", headers=headers, timeout=5)
            return r.status_code == 200 and bool(r.json()["readings"])

        for eui in (lse01_eui, cs_eui, lpp_eui):
            wait_until(functools.partial(has_readings, eui), what=f"readings of {eui}")

        # 3. the API answers with the vendor's values, for both network servers
        for eui in (lse01_eui, cs_eui):
            latest = httpx.get(f"{api_url}/v1/devices/{eui.lower()}/latest", headers=headers).json()
            assert latest["dev_eui"] == eui
            got = {r["quantity"]: r["value"] for r in latest["readings"]}
            # beside the vendor's values, the platform's estimate from the documented cell
            assert got.pop(battery.QUANTITY) == battery.estimate(LSE01_PACK, 2.885)
            assert got == pytest.approx(LSE01_READINGS)
            assert {r["unit"] for r in latest["readings"]} >= {"V", "%", "Cel"}
            assert latest["fields"]["conduct_SOIL"] == 200
            assert latest["time"] is not None

        lpp = httpx.get(f"{api_url}/v1/devices/{lpp_eui}/latest").json()  # open data: no key needed
        temps = {
            r.get("channel"): r["value"]
            for r in lpp["readings"]
            if r["quantity"] == "air_temperature"
        }
        assert temps == {3: pytest.approx(27.2), 5: pytest.approx(25.5)}

        # 4. private devices stay private; the malformed message is a dead letter; ingestion went on
        assert httpx.get(f"{api_url}/v1/devices/{cs_eui}/latest").status_code == 404
        broken_topic = f"v3/{app}@ttn/devices/broken/up"
        reason = scalar(db, "SELECT reason FROM dead_letters WHERE topic = %s", (broken_topic,))
        assert reason and "JSON" in reason

        # 5. SIGTERM drains and exits cleanly
        ingest.send_signal(signal.SIGTERM)
        assert ingest.wait(timeout=30) == 0, ingest_log.read_text()
        assert "drained" in ingest_log.read_text()


def test_simulator_fleet_through_the_ingestor(
    env: dict[str, str], broker: Broker, db: psycopg.Connection, tmp_path: Path
) -> None:
    """`smartregion simulate` publishes; every distinct uplink lands exactly once."""
    seed = int(uuid.uuid4().int % 200) + 20
    ingest = start_ingest(env, tmp_path / "ingest.log")
    try:
        result = cli(
            "simulate", "--devices", "12", "--seed", str(seed), "--count", "60",
            "--mqtt-url", broker.url, "--faults", "dup=0.2,malformed=0.05", env=env,
        )  # fmt: skip
        counts = json.loads(result.stdout)
        assert counts["messages"] == 60
        expected_uplinks = counts.get("uplink", 0)
        prefix = f"70B3D57ED0{seed % 256:02X}"

        def stored() -> int:
            return int(
                scalar(
                    db,
                    "SELECT count(*) FROM uplinks u JOIN devices d ON d.id = u.device_id "
                    "WHERE d.dev_eui LIKE %s AND u.received_at > now() - interval '10 minutes'",
                    (prefix + "%",),
                )
            )

        wait_until(lambda: stored() >= expected_uplinks, what="simulated uplinks")
        time.sleep(1.0)  # let duplicates that were still in flight arrive, then recount
        assert stored() == expected_uplinks  # duplicates added nothing
    finally:
        ingest.send_signal(signal.SIGTERM)
        assert ingest.wait(timeout=30) == 0


def test_cli_errors_say_what_to_fix(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("dev_eui,name,type\nnot-an-eui,x,dragino/lse01\n0011223344556677,y,Bad Type\n")
    result = cli("devices", "import", str(bad), env=env, check=False)
    assert result.returncode != 0
    assert "line 2" in result.stderr and "16 hexadecimal digits" in result.stderr
    assert "line 3" in result.stderr and "vendor/model" in result.stderr
    no_db = {k: v for k, v in env.items() if k != "SMARTREGION_DATABASE_URL"}
    result = cli("db", "migrate", env=no_db, check=False)
    assert result.returncode == 2 and "SMARTREGION_DATABASE_URL" in result.stderr
    result = cli(
        "decode", "--type", "nosuch/device", "--fport", "1", "--hex", "00", env=env, check=False
    )
    assert result.returncode != 0 and "decoders list" in result.stderr


def test_migrate_twice_is_a_no_op(env: dict[str, str]) -> None:
    assert "applied 0 migration(s)" in cli("db", "migrate", env=env).stdout


def test_keys_list_and_revoke(env: dict[str, str], api_url: str) -> None:
    key = cli("keys", "create", "--org", "platform", "--role", "admin", env=env).stdout.split()[-1]
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{api_url}/v1/devices", headers=headers).status_code == 200
    listed = json.loads(cli("keys", "list", "--org", "platform", env=env).stdout)
    mine = next(k for k in listed if key.startswith(k["key_prefix"]) and k["revoked_at"] is None)
    assert key not in json.dumps(listed)  # only the prefix is ever shown again
    cli("keys", "revoke", str(mine["id"]), env=env)
    assert httpx.get(f"{api_url}/v1/devices", headers=headers).status_code == 401
    assert cli("keys", "revoke", "999999999", env=env, check=False).returncode == 1


def test_db_maintain_refreshes_rollups(env: dict[str, str]) -> None:
    """On a database of its own, since a refresh moves the shared rollup watermark."""
    from tests.fixtures.db import ADMIN_URL

    name = f"smartregion_maintain_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        own = {**env, "SMARTREGION_DATABASE_URL": ADMIN_URL.rpartition("/")[0] + "/" + name}
        cli("db", "migrate", env=own)
        report = json.loads(cli("db", "maintain", env=own).stdout)
        assert report["materialized"] is True
        assert report["hourly_until"] != "None"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
