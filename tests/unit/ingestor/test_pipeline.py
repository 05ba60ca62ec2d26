"""The per-message pipeline without broker or database: parse, resolve, decode, rows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from ingestor.devices import DeviceCache
from ingestor.pipeline import Incoming, build_batch, mentioned, parse_one, sightings
from ingestor.resolve import resolve_type, type_hint
from ingestor.settings import IngestSettings
from netserver import Reception, Uplink, render
from storage.rows import DeviceRef, ReceptionRow

NOW = datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC)
LSE01 = bytes.fromhex("0b45000005dcff7e00c800")
ALL_QUANTITIES = {
    "battery_voltage",
    "soil_moisture",
    "soil_temperature",
    "soil_conductivity",
    "air_temperature",
}


def incoming(uplink: Uplink, fmt: str = "ttn-v3") -> Incoming:
    topic, body = render(uplink, fmt)  # type: ignore[arg-type]
    return Incoming(topic=topic, payload=body, mid=1, qos=1, arrived_at=NOW)


def up(eui: str = "A840410000000001", payload: bytes = LSE01, **kw: object) -> Uplink:
    return Uplink(
        source="ttn-v3",
        dev_eui=eui,
        received_at=NOW,
        payload=payload,
        f_port=2,
        f_cnt=5,
        application_id="farm",
        **kw,  # type: ignore[arg-type]
    )


def refs(*euis: str, type_id: str | None = None) -> dict[str, DeviceRef]:
    return {
        e: DeviceRef(id=i + 1, dev_eui=e, type_id=type_id, ns_type_hint=None)
        for i, e in enumerate(euis)
    }


def test_version_ids_pick_the_decoder_and_readings_get_the_uplink_time() -> None:
    parsed = [parse_one(incoming(up(brand_id="dragino", model_id="lse01")))]
    counts: Counter[str] = Counter()
    batch = build_batch(parsed, refs("A840410000000001"), ALL_QUANTITIES, counts)
    (row,) = batch.uplinks
    assert row.type_id == "dragino/lse01"
    values = {r.quantity: r.value for r in row.readings}
    assert values == pytest.approx(
        {
            "battery_voltage": 2.885,
            "soil_moisture": 15.0,
            "soil_temperature": -1.3,
            "soil_conductivity": 200,
        }
    )
    assert {r.time for r in row.readings} == {NOW}
    assert counts == Counter({"uplink_decoded": 1})


def test_registry_type_beats_the_network_servers_claim() -> None:
    message = up(brand_id="browan", model_id="tbhh100")
    assert (
        resolve_type("dragino/lse01", message, {"browan/tbhh100", "dragino/lse01"})
        == "dragino/lse01"
    )
    assert resolve_type(None, message, {"browan/tbhh100"}) == "browan/tbhh100"
    assert resolve_type(None, message, set()) is None  # a claim we cannot decode is ignored


def test_chirpstack_profile_name_counts_only_when_it_is_a_type_id() -> None:
    message = up(device_profile="Dragino/LSE01")
    assert type_hint(message) == "dragino/lse01"
    assert resolve_type(None, message, {"dragino/lse01"}) == "dragino/lse01"
    assert resolve_type(None, up(device_profile="Soil sensors"), {"dragino/lse01"}) is None


def test_malformed_envelope_becomes_a_dead_letter_with_the_raw_bytes() -> None:
    bad = Incoming(topic="v3/app@ttn/devices/x/up", payload=b"{not json", arrived_at=NOW)
    counts: Counter[str] = Counter()
    batch = build_batch([parse_one(bad)], {}, ALL_QUANTITIES, counts)
    (dead,) = batch.dead_letters
    assert dead.payload == b"{not json"
    assert dead.topic == bad.topic
    assert "JSON" in dead.reason
    assert counts["dead_letter"] == 1


def test_unknown_topic_is_a_dead_letter_not_a_crash() -> None:
    parsed = parse_one(Incoming(topic="somewhere/else", payload=b"{}", arrived_at=NOW))
    assert parsed.error and "topic" in parsed.error


def test_undecodable_payload_keeps_raw_bytes_and_errors() -> None:
    parsed = [parse_one(incoming(up(payload=b"\x01", brand_id="dragino", model_id="lse01")))]
    counts: Counter[str] = Counter()
    (row,) = build_batch(parsed, refs("A840410000000001"), ALL_QUANTITIES, counts).uplinks
    assert row.payload == b"\x01"
    assert row.decode_errors
    assert row.readings == ()
    assert counts["uplink_decode_error"] == 1


def test_raw_uplink_keeps_the_network_servers_decoded_object_as_fields() -> None:
    parsed = [parse_one(incoming(up(payload=b"\x09", decoded={"level": 3})))]
    (row,) = build_batch(parsed, refs("A840410000000001"), ALL_QUANTITIES, Counter()).uplinks
    assert row.type_id is None
    assert row.fields == {"level": 3}
    assert row.ns_decoded == {"level": 3}


def test_implausible_reading_is_kept_but_flagged() -> None:
    from decoders import Reading
    from decoders.vendors.dragino import lse01

    _, payload = lse01.encode(
        [
            Reading("battery_voltage", 3.3),
            Reading("soil_moisture", 20),
            Reading("soil_temperature", 150.0),  # beyond any soil
            Reading("soil_conductivity", 100),
        ]
    )
    parsed = [parse_one(incoming(up(payload=payload), "chirpstack-v4-json"))]
    (row,) = build_batch(
        parsed, refs("A840410000000001", type_id="dragino/lse01"), ALL_QUANTITIES, Counter()
    ).uplinks
    flagged = {r.quantity for r in row.readings if r.flagged}
    assert flagged == {"soil_temperature"}
    assert any("soil_temperature" in w for w in row.decode_warnings)


def test_reading_of_a_quantity_the_database_lacks_is_a_warning() -> None:
    parsed = [parse_one(incoming(up(brand_id="dragino", model_id="lse01")))]
    (row,) = build_batch(parsed, refs("A840410000000001"), {"soil_moisture"}, Counter()).uplinks
    assert {r.quantity for r in row.readings} == {"soil_moisture"}
    assert any("db migrate" in w for w in row.decode_warnings)


def test_fport_zero_is_stored_for_link_statistics_without_decoding() -> None:
    parsed = [
        parse_one(
            incoming(
                Uplink(
                    source="ttn-v3",
                    dev_eui="A840410000000001",
                    received_at=NOW,
                    payload=b"",
                    f_port=0,
                )
            )
        )
    ]
    counts: Counter[str] = Counter()
    (row,) = build_batch(
        parsed, refs("A840410000000001", type_id="dragino/lse01"), ALL_QUANTITIES, counts
    ).uplinks
    assert row.f_port == 0 and row.readings == () and not row.decode_errors
    assert counts["uplink_raw"] == 1


def test_sightings_cover_every_device_a_batch_mentions() -> None:
    parsed = [
        parse_one(incoming(up("A840410000000001"))),
        parse_one(incoming(up("A840410000000002", brand_id="dragino", model_id="lse01"))),
        parse_one(Incoming(topic="v3/a@ttn/devices/x/up", payload=b"nope", arrived_at=NOW)),
    ]
    seen = {s.dev_eui: s for s in sightings(parsed)}
    assert set(seen) == {"A840410000000001", "A840410000000002"}
    assert seen["A840410000000002"].type_hint == "dragino/lse01"
    assert mentioned(parsed) == set(seen)
    # only the devices the cache lacks are turned into sightings
    (only,) = sightings(parsed, wanted={"A840410000000002"})
    assert only == seen["A840410000000002"]


def test_the_device_cache_answers_fresh_entries_and_names_the_rest() -> None:
    cache = DeviceCache(ttl_s=60)
    ref = DeviceRef(id=7, dev_eui="A840410000000001", type_id=None, ns_type_hint=None)
    cache.store({ref.dev_eui: ref})
    known, missing = cache.split(["A840410000000001", "A840410000000002"])
    assert known == {"A840410000000001": ref}
    assert missing == {"A840410000000002"}
    stale = DeviceCache(ttl_s=0)
    stale.store({ref.dev_eui: ref})
    assert stale.split([ref.dev_eui]) == ({}, {ref.dev_eui})


def test_settings_read_the_documented_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTREGION_DATABASE_URL", "postgresql://u:secret@db/x")
    monkeypatch.setenv("SMARTREGION_MQTT_URL", "mqtts://user:pw@broker.example:8883")
    monkeypatch.setenv(
        "SMARTREGION_MQTT_TOPICS", "v3/+/devices/+/up, application/+/device/+/event/up"
    )
    monkeypatch.setenv("SMARTREGION_MQTT_CLIENT_ID", "ingest-a")
    settings = IngestSettings()  # type: ignore[call-arg]
    assert settings.mqtt_topics == ["v3/+/devices/+/up", "application/+/device/+/event/up"]
    assert settings.mqtt_url.scheme == "mqtts" and settings.mqtt_url.port == 8883
    assert settings.mqtt_client_id == "ingest-a"
    assert "secret" not in repr(settings)  # the password never reaches a log line
    monkeypatch.setenv("SMARTREGION_MQTT_SHARE_GROUP", "ingestors")
    assert IngestSettings().subscriptions()[0] == "$share/ingestors/v3/+/devices/+/up"  # type: ignore[call-arg]


def test_receive_maximum_leaves_room_for_every_batch_in_flight_and_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMARTREGION_DATABASE_URL", "postgresql:///x")
    monkeypatch.setenv("SMARTREGION_BATCH_SIZE", "2000")
    monkeypatch.setenv("SMARTREGION_BATCHES_IN_FLIGHT", "2")
    assert IngestSettings().receive_maximum() == 6000  # type: ignore[call-arg]
    monkeypatch.setenv("SMARTREGION_BATCH_SIZE", "20000")
    monkeypatch.setenv("SMARTREGION_BATCHES_IN_FLIGHT", "4")
    assert IngestSettings().receive_maximum() == 65535  # type: ignore[call-arg]  # MQTT's cap
    monkeypatch.setenv("SMARTREGION_MQTT_RECEIVE_MAXIMUM", "500")
    assert IngestSettings().receive_maximum() == 500  # type: ignore[call-arg]  # as configured


def test_settings_refuse_a_non_mqtt_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTREGION_DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("SMARTREGION_MQTT_URL", "http://broker")
    with pytest.raises(ValidationError, match="mqtt://"):
        IngestSettings()  # type: ignore[call-arg]


def test_network_servers_decoded_object_gives_readings_when_no_decoder_applies() -> None:
    message = up(payload=b"\x09", decoded={"temperature": 21.5, "humidity": 40, "label": "x"})
    counts: Counter[str] = Counter()
    (row,) = build_batch(
        [parse_one(incoming(message))],
        refs("A840410000000001"),
        ALL_QUANTITIES | {"relative_humidity"},
        counts,
    ).uplinks
    assert {r.quantity: r.value for r in row.readings} == {
        "air_temperature": 21.5,
        "relative_humidity": 40,
    }
    assert row.fields == {"temperature": 21.5, "humidity": 40, "label": "x"}
    assert row.type_id is None
    assert counts["uplink_network_decoded"] == 1


def test_receptions_reach_the_row_field_by_field() -> None:
    """The row is built from the Reception's leading fields by position; a reordered or
    renamed field in either NamedTuple must not silently shift values into other columns."""
    assert [f.replace("gateway_id", "gateway_network_id") for f in Reception._fields[:7]] == list(
        ReceptionRow._fields
    )
    gateway = Reception(
        gateway_eui="58A0CBFFFE802A21", gateway_id="gw-north", rssi=-97.0, snr=7.5,
        latitude=51.34, longitude=12.37, altitude=118.0, time=NOW,
    )  # fmt: skip
    parsed = [parse_one(incoming(up(brand_id="dragino", model_id="lse01", receptions=(gateway,))))]
    (row,) = build_batch(parsed, refs("A840410000000001"), ALL_QUANTITIES, Counter()).uplinks
    assert row.receptions == (
        ReceptionRow("58A0CBFFFE802A21", "gw-north", -97.0, 7.5, 51.34, 12.37, 118.0),
    )
