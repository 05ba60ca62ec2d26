"""The ingestor against the real broker and database: every fixture, bad input, duplicates."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from netserver import (
    DeviceStatus,
    EnvelopeError,
    Message,
    NetworkEvent,
    Skipped,
    Uplink,
    parse,
    render,
)
from tests.fixtures.broker import Broker
from tests.fixtures.ingest import apublish, load_fixtures, running_ingestor, scalar, wait_for

pytestmark = pytest.mark.integration


def random_eui() -> str:
    return f"{random.getrandbits(64):016X}"


def uplink(dev_eui: str, payload: bytes, f_port: int = 2, f_cnt: int = 1, **kw: object) -> Uplink:
    base = datetime.now(UTC).replace(microsecond=random.randrange(1_000_000))
    kw.setdefault("application_id", f"app-{uuid.uuid4().hex[:6]}")
    return Uplink(
        source="ttn-v3",
        dev_eui=dev_eui,
        received_at=base,
        payload=payload,
        f_port=f_port,
        f_cnt=f_cnt,
        device_name=f"dev-{dev_eui.lower()}",
        **kw,  # type: ignore[arg-type]
    )


def uplink_count(conn: psycopg.Connection, dev_eui: str) -> int:
    return int(
        scalar(
            conn,
            "SELECT count(*) FROM uplinks u JOIN devices d ON d.id = u.device_id "
            "WHERE d.dev_eui = %s",
            (dev_eui,),
        )
    )


async def test_every_network_server_fixture_lands(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    fixtures = load_fixtures()
    arrival = datetime(2000, 1, 1, tzinfo=UTC)  # marks the messages that carry no time
    expected: dict[str, Message | None] = {}
    for f in fixtures:
        try:
            expected[f.name] = parse(f.topic, f.payload, arrival_time=arrival)
        except EnvelopeError:
            expected[f.name] = None
    assert sum(isinstance(m, Uplink) for m in expected.values()) >= 9
    dead_before = scalar(db, "SELECT coalesce(max(id), 0) FROM dead_letters")
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [(f.topic, f.payload) for f in fixtures])
        uplink_keys = {(m.dev_eui, m.f_cnt) for m in expected.values() if isinstance(m, Uplink)}

        def all_uplinks_stored() -> bool:
            rows = db.execute(
                "SELECT d.dev_eui, u.f_cnt FROM uplinks u JOIN devices d ON d.id = u.device_id "
                "WHERE d.dev_eui = ANY(%s)",
                ([k[0] for k in uplink_keys],),
            ).fetchall()
            return uplink_keys <= {(r[0], r[1]) for r in rows}

        await wait_for(all_uplinks_stored, what="every fixture uplink in the uplinks table")

    for name, message in expected.items():
        if isinstance(message, Uplink):
            own_time = message.received_at != arrival
            row = db.execute(
                "SELECT u.f_cnt, u.f_port, u.payload, u.gateway_count, u.source "
                "FROM uplinks u JOIN devices d ON d.id = u.device_id "
                "WHERE d.dev_eui = %s AND u.f_cnt = %s AND (NOT %s OR u.received_at = %s)",
                (message.dev_eui, message.f_cnt, own_time, message.received_at),
            ).fetchone()
            assert row is not None, name
            assert row[0] == message.f_cnt, name
            assert row[1] == message.f_port, name
            assert bytes(row[2]) == message.payload, name
            assert row[3] == len(message.receptions), name
            assert row[4] == message.source, name
        elif isinstance(message, DeviceStatus):
            battery, margin = db.execute(
                "SELECT battery_level, margin_db FROM devices WHERE dev_eui = %s",
                (message.dev_eui,),
            ).fetchone()  # type: ignore[misc]
            if message.battery_level is not None:
                assert battery == pytest.approx(message.battery_level), name
            assert margin == pytest.approx(message.margin_db), name
        elif isinstance(message, NetworkEvent):
            own_time = message.time != arrival
            kinds = {
                r[0]
                for r in db.execute(
                    "SELECT e.kind FROM device_events e JOIN devices d ON d.id = e.device_id "
                    "WHERE d.dev_eui = %s AND (NOT %s OR e.time = %s)",
                    (message.dev_eui, own_time, message.time),
                ).fetchall()
            }
            assert message.kind in kinds, name
        elif message is None:
            assert scalar(
                db, "SELECT count(*) FROM dead_letters WHERE topic = %s AND id > %s",
                (next(f.topic for f in fixtures if f.name == name), dead_before),
            ) >= 1, name  # fmt: skip
        else:
            assert isinstance(message, Skipped), name
    # only what the parser refuses may have become a dead letter
    refused = sum(m is None for m in expected.values())
    assert scalar(db, "SELECT count(*) FROM dead_letters WHERE id > %s", (dead_before,)) == refused
    # one reception row per identifiable gateway, each pointing at a registered gateway
    with_gateways = 0
    for name, message in expected.items():
        if not isinstance(message, Uplink):
            continue
        gateways = {(rx.gateway_eui, rx.gateway_id) for rx in message.receptions} - {(None, None)}
        with_gateways += bool(gateways)
        stored = scalar(
            db,
            "SELECT count(*) FROM receptions r JOIN devices d ON d.id = r.device_id "
            "JOIN gateways g ON g.id = r.gateway_id WHERE d.dev_eui = %s AND r.time = "
            "(SELECT max(u.received_at) FROM uplinks u WHERE u.device_id = d.id AND u.f_cnt = %s)",
            (message.dev_eui, message.f_cnt),
        )
        assert stored == len(gateways), name
    assert with_gateways >= 4


async def test_malformed_message_is_dead_lettered_and_ingestion_goes_on(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    eui = random_eui()
    app = f"app-{uuid.uuid4().hex[:6]}"
    good_topic, good = render(uplink(eui, b"\x01\x02", application_id=app), "ttn-v3")
    bad_json = b'{"end_device_ids": {"dev_eui": '
    bad_shape = json.dumps({"end_device_ids": {"device_id": "x"}, "uplink_message": 5}).encode()
    topic_bad = f"v3/{app}@ttn/devices/broken/up"
    async with running_ingestor(database_url, broker.url):
        await apublish(
            broker.url, [(topic_bad, bad_json), (topic_bad, bad_shape), (good_topic, good)]
        )
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the good uplink after bad ones")
        await wait_for(
            lambda: (
                scalar(db, "SELECT count(*) FROM dead_letters WHERE topic = %s", (topic_bad,)) == 2
            ),
            what="two dead letters",
        )
    rows = db.execute(
        "SELECT payload, reason FROM dead_letters WHERE topic = %s ORDER BY id", (topic_bad,)
    ).fetchall()
    assert bytes(rows[0][0]) == bad_json  # the raw message is kept byte for byte
    assert "JSON" in rows[0][1]
    assert bytes(rows[1][0]) == bad_shape
    assert rows[1][1]  # a reason a person can read


async def test_same_message_twice_gives_one_row(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    eui = random_eui()
    topic, body = render(uplink(eui, bytes.fromhex("0cea0000000e000004"), f_port=1), "ttn-v3")
    async with running_ingestor(database_url, broker.url) as task:
        await apublish(broker.url, [(topic, body), (topic, body)])
        await wait_for(lambda: uplink_count(db, eui) >= 1, what="the uplink")
        marker_eui = random_eui()
        marker = render(uplink(marker_eui, b"\x00", f_port=3), "ttn-v3")
        # a later redelivery in a batch of its own; the marker behind it shows it was handled
        await apublish(broker.url, [(topic, body), marker])
        await wait_for(lambda: uplink_count(db, marker_eui) == 1, what="the marker uplink")
    counts = task.result()
    assert counts["uplink_duplicate"] >= 2  # both copies were seen, and neither added a row
    assert uplink_count(db, eui) == 1


async def test_unknown_device_is_registered_and_kept_raw(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    eui = random_eui()
    payload = bytes.fromhex("deadbeef01")
    topic, body = render(uplink(eui, payload, f_port=9), "chirpstack-v4-json")
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [(topic, body)])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the raw uplink")
    device = db.execute(
        "SELECT registered_by, type_id, source, organization_id FROM devices WHERE dev_eui = %s",
        (eui,),
    ).fetchone()
    assert device is not None
    assert device[0] == "first_sight"
    assert device[1] is None
    assert device[2] == "chirpstack-v4"
    org = scalar(db, "SELECT name FROM organizations WHERE id = %s", (device[3],))
    assert org == "community"  # the configured default organisation for first sight
    raw, type_id = db.execute(
        "SELECT u.payload, u.type_id FROM uplinks u JOIN devices d ON d.id = u.device_id "
        "WHERE d.dev_eui = %s",
        (eui,),
    ).fetchone()  # type: ignore[misc]
    assert bytes(raw) == payload
    assert type_id is None
    assert (
        scalar(
            db,
            "SELECT count(*) FROM readings r JOIN devices d ON d.id = r.device_id "
            "WHERE d.dev_eui = %s",
            (eui,),
        )
        == 0
    )


def stored_readings(db: psycopg.Connection, eui: str) -> dict[tuple[str, int], float]:
    return {
        (r[0], r[1]): r[2]
        for r in db.execute(
            "SELECT q.name, r.channel, r.value FROM readings r "
            "JOIN quantities q ON q.id = r.quantity_id "
            "JOIN devices d ON d.id = r.device_id WHERE d.dev_eui = %s",
            (eui,),
        ).fetchall()
    }


async def test_ttn_version_ids_choose_the_decoder(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    from decoders import decode

    eui = random_eui()
    payload = bytes.fromhex("0ce40000052a09ce00c800")
    expected = decode("dragino/lse01", 2, payload)
    assert not expected.errors and expected.readings
    message = uplink(eui, payload, f_port=2, brand_id="dragino", model_id="lse01")
    topic, body = render(message, "ttn-v3")
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [(topic, body)])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the decoded uplink")
    assert stored_readings(db, eui) == {
        (r.quantity, r.channel): pytest.approx(r.value) for r in expected.readings
    }
    fields, type_id = db.execute(
        "SELECT u.fields, u.type_id FROM uplinks u JOIN devices d ON d.id = u.device_id "
        "WHERE d.dev_eui = %s",
        (eui,),
    ).fetchone()  # type: ignore[misc]
    assert type_id == "dragino/lse01"
    assert fields == json.loads(json.dumps(dict(expected.fields)))


async def test_mqtt_311_sessions_deliver_and_acknowledge_like_mqtt_5(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    """The Things Stack's MQTT server speaks 3.1.1: no properties, persistent session by
    clean_session=false. A restart under the same client id must not redeliver what was
    acknowledged, and what arrived while it was away must arrive once."""
    eui = random_eui()
    client_id = f"test-311-{uuid.uuid4().hex[:6]}"
    start = datetime.now(UTC)

    def message(n: int) -> tuple[str, bytes]:
        up = uplink(eui, b"\x00", f_port=3, f_cnt=n)._replace(
            received_at=start + timedelta(seconds=n)
        )
        return render(up, "ttn-v3")

    first = [message(n) for n in range(20)]
    async with running_ingestor(database_url, broker.url, client_id, mqtt_protocol="3.1.1"):
        await apublish(broker.url, first)
        await wait_for(lambda: uplink_count(db, eui) == 20, what="20 uplinks over MQTT 3.1.1")
    later = [message(n) for n in range(20, 30)]
    await apublish(broker.url, later)  # queued for the offline 3.1.1 session
    async with running_ingestor(database_url, broker.url, client_id, mqtt_protocol="3.1.1") as task:
        await wait_for(lambda: uplink_count(db, eui) == 30, what="the queued uplinks")
    assert task.result().get("uplink_duplicate", 0) == 0  # nothing acknowledged came back


async def test_registry_type_decodes_chirpstack_protobuf_uplinks(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    from decoders import decode

    eui = random_eui()
    db.execute(
        "INSERT INTO devices (dev_eui, type_id, organization_id) "
        "SELECT %s, 'decentlab/dl-pr26', id FROM organizations WHERE name = 'platform'",
        (eui,),
    )
    payload = bytes.fromhex("02016700034e8060170c7f")
    expected = decode("decentlab/dl-pr26", 1, payload)
    assert not expected.errors and expected.readings
    topic, body = render(uplink(eui, payload, f_port=1), "chirpstack-v4-protobuf")
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [(topic, body)])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the protobuf uplink")
    assert stored_readings(db, eui) == {
        (r.quantity, r.channel): pytest.approx(r.value) for r in expected.readings
    }


async def test_undecodable_payload_is_kept_with_its_errors(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    eui = random_eui()
    message = uplink(eui, b"\x01", f_port=2, brand_id="dragino", model_id="lse01")
    topic, body = render(message, "ttn-v3")
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [(topic, body)])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the kept uplink")
    payload, errors = db.execute(
        "SELECT u.payload, u.decode_errors FROM uplinks u JOIN devices d ON d.id = u.device_id "
        "WHERE d.dev_eui = %s",
        (eui,),
    ).fetchone()  # type: ignore[misc]
    assert bytes(payload) == b"\x01"
    assert errors


async def test_messages_published_while_ingestor_is_down_arrive_once(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    """The persistent session queues what arrives while the ingestor is away."""
    client_id = f"test-persist-{uuid.uuid4().hex[:6]}"
    euis = [random_eui() for _ in range(30)]
    messages = [
        render(uplink(e, b"\x00\x01", f_port=5, f_cnt=i), "ttn-v3") for i, e in enumerate(euis)
    ]
    async with running_ingestor(database_url, broker.url, client_id=client_id):
        pass  # creates the persistent session and its subscription
    await apublish(broker.url, messages)
    async with running_ingestor(database_url, broker.url, client_id=client_id):
        await wait_for(
            lambda: sum(uplink_count(db, e) for e in euis) == len(euis),
            what="the queued uplinks",
        )
    assert all(uplink_count(db, e) == 1 for e in euis)


async def test_status_updates_battery_and_margin(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    eui = random_eui()
    app_id = str(uuid.uuid4())
    when = datetime.now(UTC) - timedelta(seconds=5)
    body = json.dumps({
        "deduplicationId": str(uuid.uuid4()),
        "time": when.isoformat(),
        "deviceInfo": {"applicationId": app_id, "devEui": eui.lower(), "deviceName": "s"},
        "margin": 7,
        "externalPowerSource": False,
        "batteryLevel": 64.5,
    }).encode()  # fmt: skip
    topic = f"application/{app_id}/device/{eui.lower()}/event/status"
    async with running_ingestor(database_url, broker.url):
        await apublish(broker.url, [(topic, body)])
        await wait_for(
            lambda: (
                scalar(db, "SELECT battery_level FROM devices WHERE dev_eui = %s", (eui,))
                is not None
            ),
            what="the status update",
        )
    battery, margin = db.execute(
        "SELECT battery_level, margin_db FROM devices WHERE dev_eui = %s", (eui,)
    ).fetchone()  # type: ignore[misc]
    assert battery == pytest.approx(64.5)
    assert margin == pytest.approx(7)


async def test_prometheus_metrics_count_what_happened(
    database_url: str, broker: Broker, db: psycopg.Connection
) -> None:
    import httpx

    from cli.localstack import free_port

    port = free_port()
    eui = random_eui()
    good = render(uplink(eui, b"\x01"), "ttn-v3")
    bad = ("v3/app@ttn/devices/x/up", b"{broken")
    async with running_ingestor(database_url, broker.url, metrics_port=port):
        await apublish(broker.url, [good, bad])
        await wait_for(lambda: uplink_count(db, eui) == 1, what="the uplink")
        text = ""
        values: dict[str, float] = {}
        async with httpx.AsyncClient() as client:
            for _ in range(50):  # acknowledged (and observed) just after the commit
                text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
                values = {
                    line.split(" ")[0]: float(line.split(" ")[1])
                    for line in text.splitlines()
                    if line and not line.startswith("#")
                }
                if values.get("smartregion_ingest_receive_to_commit_seconds_count") == 2:
                    break
                await asyncio.sleep(0.1)
    assert values["smartregion_ingest_received_total"] == 2
    assert values['smartregion_ingest_messages_total{outcome="dead_letter"}'] == 1
    assert values['smartregion_ingest_messages_total{outcome="uplink_raw"}'] == 1
    assert values["smartregion_ingest_batches_total"] >= 1
    assert values["smartregion_ingest_receive_to_commit_seconds_count"] == 2
    assert "smartregion_ingest_backlog" in values
    assert "secret" not in text and "postgresql://" not in text
