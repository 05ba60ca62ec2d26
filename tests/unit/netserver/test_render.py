"""render -> parse round trips for all four formats, and what the rendered bytes look like.

A round trip alone can be consistently wrong, so the rendered messages are also checked
against the servers' own shapes (the fixtures' keys, chirpstack-api for protobuf).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import orjson
import pytest
from chirpstack_api import gw, integration
from hypothesis import given, settings
from hypothesis import strategies as st

import netserver
from netserver import Format, Reception, Uplink
from netserver.ttn import device_id
from tests.unit.netserver.samples import load

FORMATS: tuple[Format, ...] = get_args(Format)
SOURCES = {
    "ttn-v3": "ttn-v3",
    "chirpstack-v4-json": "chirpstack-v4",
    "chirpstack-v4-protobuf": "chirpstack-v4",
    "chirpstack-v3": "chirpstack-v3",
}

UPLINK = Uplink(
    source="ttn-v3",
    dev_eui="70B3D57ED0001234",
    received_at=datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
    payload=bytes.fromhex("0167010c026850"),
    f_port=2,
    f_cnt=0,
    device_name="lse01-field-7",
    application_id="irmd-soil",
    dev_addr="260B1234",
    data_rate="SF7BW125",
    spreading_factor=7,
    bandwidth_hz=125000,
    frequency_hz=868100000,
    airtime_s=0.061696,
    decoded={"temperature": 26.8, "humidity": 40},
    brand_id="dragino",
    model_id="lse01",
    receptions=(
        Reception(
            gateway_eui="B827EBFFFE6A2B01",
            gateway_id="leipzig-rathaus",
            rssi=-97.0,
            snr=6.25,
            latitude=51.3397,
            longitude=12.3731,
            altitude=118.0,
            time=datetime(2026, 5, 1, 12, 0, 0, 100000, tzinfo=UTC),
        ),
        Reception(gateway_eui="B827EBFFFE6A2B02", gateway_id=None, rssi=-112.0, snr=-7.5),
    ),
)


def expected(uplink: Uplink, fmt: Format) -> Uplink:
    """What `parse(render(uplink, fmt))` must give: the format's losses, spelled out."""
    source = SOURCES[fmt]
    lora = uplink.spreading_factor is not None or fmt == "chirpstack-v3"
    receptions = []
    for r in uplink.receptions:
        rssi = r.rssi or None
        snr = r.snr or None
        if snr is None and rssi is not None and lora:
            snr = 0.0  # zero SNR is omitted on the wire; with an RSSI on LoRa it is 0 dB
        gateway_id = r.gateway_id
        if fmt == "ttn-v3" and gateway_id is None and r.gateway_eui:
            gateway_id = "eui-" + r.gateway_eui.lower()  # TTS gateway ids are never empty
        altitude = r.altitude
        if fmt == "ttn-v3" and altitude is not None:
            altitude = float(round(altitude))  # TTS altitude is int32 metres
        if fmt.startswith("chirpstack-v4") and r.gateway_eui:
            gateway_id = None  # ChirpStack's gateway id *is* the EUI
        receptions.append(r._replace(rssi=rssi, snr=snr, gateway_id=gateway_id, altitude=altitude))
    result = uplink._replace(source=source, receptions=tuple(receptions))  # type: ignore[arg-type]
    if fmt == "ttn-v3":
        dedup = uplink.dedup_id
        return result._replace(
            device_name=device_id(uplink),
            application_id=uplink.application_id or "smartregion",
            device_profile=None,
            dedup_id=None
            if dedup is None
            else dedup
            if dedup.startswith("as:up:")
            else "as:up:" + dedup,
        )
    # neither ChirpStack format carries TTS device-repository ids, airtime or simulation
    result = result._replace(brand_id=None, model_id=None, airtime_s=None, simulated=False)
    if fmt.startswith("chirpstack-v4"):
        app = uplink.application_id
        if app is not None and app.isdigit() and len(app) <= 12:
            app = f"00000000-0000-0000-0000-{app:0>12}"  # v3 -> v4 migration form
        return result._replace(application_id=app)
    # chirpstack-v3 json_v3: no event time, no modulation, no confirmed flag, no profile
    app = uplink.application_id
    times = [r.time for r in uplink.receptions if r.time is not None]
    return result._replace(
        application_id=app if app is not None and app.isdigit() else "0",
        received_at=min(times, default=uplink.received_at),
        confirmed=False,
        data_rate=None,
        spreading_factor=None,
        bandwidth_hz=None,
        device_profile=None,
        dedup_id=None,
    )


def round_trip(uplink: Uplink, fmt: Format) -> netserver.Message:
    topic, payload = netserver.render(uplink, fmt)
    assert netserver.detect_format(topic) == (
        "chirpstack-v4-json" if fmt.startswith("chirpstack-v4") else fmt
    )
    # v3 events carry no time of their own: the caller's arrival time stands in
    return netserver.parse(topic, payload, arrival_time=uplink.received_at)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_a_full_uplink(fmt: Format) -> None:
    assert round_trip(UPLINK, fmt) == expected(UPLINK, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "name",
    [
        "ttn-v3-uplink.json",
        "ttn-v3-uplink-mqtt-docs.json",
        "chirpstack-v4-up.json",
        "chirpstack-v4-up-multigw-object.json",
        "chirpstack-v3-up.json",
        "chirpstack-v3-up-protobuf-json.json",
    ],
)
def test_round_trip_of_every_fixture_uplink(name: str, fmt: Format) -> None:
    sample = load(name)
    assert sample.topic is not None
    arrival = datetime(2030, 1, 1, tzinfo=UTC)
    uplink = netserver.parse(sample.topic, sample.payloads[0], arrival_time=arrival)
    assert isinstance(uplink, Uplink)
    assert round_trip(uplink, fmt) == expected(uplink, fmt)


# --- the rendered bytes look like the servers' own ----------------------------------------


def test_ttn_render_omits_zero_fields_and_carries_version_ids() -> None:
    topic, payload = netserver.render(UPLINK, "ttn-v3")
    assert topic == "v3/irmd-soil@ttn/devices/lse01-field-7/up"
    doc = orjson.loads(payload)
    message = doc["uplink_message"]
    assert "f_cnt" not in message  # f_cnt 0 is omitted, as TTS does
    assert message["f_port"] == 2
    assert message["frm_payload"] == "AWcBDAJoUA=="
    assert message["version_ids"] == {"brand_id": "dragino", "model_id": "lse01"}
    assert message["consumed_airtime"] == "0.061696s"
    assert message["settings"]["frequency"] == "868100000"  # 64-bit as a string
    assert message["settings"]["data_rate"]["lora"]["spreading_factor"] == 7
    assert message["received_at"] == "2026-05-01T12:00:00.123456Z"
    assert "confirmed" not in message
    assert "simulated" not in doc
    first, second = message["rx_metadata"]
    assert first["gateway_ids"] == {"gateway_id": "leipzig-rathaus", "eui": "B827EBFFFE6A2B01"}
    assert first["location"]["altitude"] == 118
    assert second["gateway_ids"]["gateway_id"] == "eui-b827ebfffe6a2b02"
    assert doc["end_device_ids"]["dev_eui"] == "70B3D57ED0001234"
    # same top-level keys as the real TTS sample
    assert set(doc) <= set(load("ttn-v3-uplink.json").document["payload"]) | {"simulated"}


def test_ttn_device_id_falls_back_to_the_eui() -> None:
    topic, _ = netserver.render(UPLINK._replace(device_name="Field 7 / north"), "ttn-v3")
    assert topic == "v3/irmd-soil@ttn/devices/eui-70b3d57ed0001234/up"


def test_chirpstack_json_render_is_camel_case_with_lower_case_euis() -> None:
    topic, payload = netserver.render(
        UPLINK._replace(dedup_id="3ac7e3c4-4401-4b8d-9386-a5c902f9202d"), "chirpstack-v4-json"
    )
    assert topic == "application/irmd-soil/device/70b3d57ed0001234/event/up"
    doc = orjson.loads(payload)
    real = load("chirpstack-v4-up-multigw-object.json").document["payload"]
    assert set(real) <= set(doc)  # every top-level key ChirpStack prints
    assert set(real["deviceInfo"]) <= set(doc["deviceInfo"])
    assert doc["deviceInfo"]["devEui"] == "70b3d57ed0001234"
    assert doc["fCnt"] == 0  # top-level defaults are printed since v4.1
    assert doc["time"] == "2026-05-01T12:00:00.123456+00:00"
    assert doc["rxInfo"][0]["gatewayId"] == "b827ebfffe6a2b01"
    assert doc["rxInfo"][0]["rssi"] == -97
    assert doc["txInfo"]["modulation"]["lora"] == {
        "bandwidth": 125000,
        "spreadingFactor": 7,
        "codeRate": "CR_4_5",
    }
    assert doc["object"] == {"temperature": 26.8, "humidity": 40}


def test_chirpstack_protobuf_render_reads_with_chirpstack_api() -> None:
    topic, payload = netserver.render(UPLINK, "chirpstack-v4-protobuf")
    assert topic == "application/irmd-soil/device/70b3d57ed0001234/event/up"
    event = integration.UplinkEvent()
    event.ParseFromString(payload)
    assert event.device_info.dev_eui == "70b3d57ed0001234"
    assert event.device_info.application_id == "irmd-soil"
    assert event.f_port == 2
    assert event.data == bytes.fromhex("0167010c026850")
    assert event.time.seconds == int(datetime(2026, 5, 1, 12, tzinfo=UTC).timestamp())
    assert event.time.nanos == 123456000
    assert [rx.gateway_id for rx in event.rx_info] == ["b827ebfffe6a2b01", "b827ebfffe6a2b02"]
    assert [rx.rssi for rx in event.rx_info] == [-97, -112]
    assert event.tx_info.frequency == 868100000
    assert event.tx_info.modulation.lora.spreading_factor == 7
    assert event.tx_info.modulation.lora.code_rate == gw.CR_4_5
    assert event.object.fields["temperature"].number_value == 26.8
    assert event.dr == 5  # EU868 SF7BW125


def test_chirpstack_protobuf_render_matches_the_fixture_bytes_semantics() -> None:
    sample = load("chirpstack-v4-up.protobuf.json")
    assert sample.topic is not None
    uplink = netserver.parse(sample.topic, sample.payloads[0])
    assert isinstance(uplink, Uplink)
    _, payload = netserver.render(uplink, "chirpstack-v4-protobuf")
    ours, theirs = integration.UplinkEvent(), integration.UplinkEvent()
    ours.ParseFromString(payload)
    theirs.ParseFromString(sample.payloads[0])
    for field in ("deduplication_id", "dev_addr", "f_cnt", "f_port", "data", "tx_info"):
        assert getattr(ours, field) == getattr(theirs, field), field
    # whole microseconds: 775023242 ns comes back as 775023000 ns
    assert (ours.time.seconds, ours.time.nanos) == (theirs.time.seconds, 775023000)
    assert ours.device_info.dev_eui == theirs.device_info.dev_eui
    assert ours.rx_info[0].gateway_id == theirs.rx_info[0].gateway_id


def test_chirpstack_v3_render_is_json_v3() -> None:
    topic, payload = netserver.render(UPLINK._replace(application_id="42"), "chirpstack-v3")
    assert topic == "application/42/device/70b3d57ed0001234/event/up"
    doc = orjson.loads(payload)
    assert set(load("chirpstack-v3-up.json").document["payload"]) <= set(doc)
    assert doc["devEUI"] == "70b3d57ed0001234"
    assert doc["rxInfo"][0] == {
        "gatewayID": "b827ebfffe6a2b01",
        "name": "leipzig-rathaus",
        "time": "2026-05-01T12:00:00.100Z",
        "rssi": -97,
        "loRaSNR": 6.25,
        "location": {"latitude": 51.3397, "longitude": 12.3731, "altitude": 118.0},
    }
    assert doc["txInfo"] == {"frequency": 868100000, "dr": 5}


def test_simulated_flag_round_trips_through_ttn() -> None:
    uplink = UPLINK._replace(simulated=True)
    assert orjson.loads(netserver.render(uplink, "ttn-v3")[1])["simulated"] is True
    assert round_trip(uplink, "ttn-v3") == expected(uplink, "ttn-v3")


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        netserver.render(UPLINK, "lorawan")  # type: ignore[arg-type]


# --- property: any uplink round-trips within the rules ------------------------------------

hex_eui = st.text("0123456789ABCDEF", min_size=16, max_size=16)
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
names = st.from_regex(r"[a-z0-9](-?[a-z0-9]){2,20}", fullmatch=True) | st.sampled_from(
    ["Test device", "Bodenfeuchte Süd"]
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def receptions(draw: st.DrawFn) -> tuple[Reception, ...]:
    euis = draw(st.lists(hex_eui, unique=True, max_size=4))
    result = []
    for eui in euis:
        heard = draw(st.booleans())
        located = draw(st.booleans())
        result.append(
            Reception(
                gateway_eui=eui,
                gateway_id=draw(st.none() | st.from_regex(r"gw-[a-z0-9]{3,8}", fullmatch=True)),
                rssi=float(draw(st.integers(-140, -1))) if heard else None,
                # SX130x reports SNR in 0.25 dB steps: exact in protobuf's float32
                snr=draw(st.integers(-80, 60)) / 4 if heard else None,
                latitude=draw(st.floats(-89, 89).filter(bool)) if located else None,
                longitude=draw(st.floats(-179, 179).filter(bool)) if located else None,
                altitude=float(draw(st.integers(-100, 4000))) if located else None,
                time=draw(st.none() | times),
            )
        )
    return tuple(result)


@st.composite
def uplinks(draw: st.DrawFn, fmt: Format) -> Uplink:
    lora = draw(st.booleans())
    sf = draw(st.integers(5, 12)) if lora else None
    bw = draw(st.sampled_from([125000, 250000, 500000])) if lora else None
    rate = None if sf is None or bw is None else f"SF{sf}BW{bw // 1000}"
    return Uplink(
        source=SOURCES[fmt],  # type: ignore[arg-type]
        dev_eui=draw(hex_eui),
        received_at=draw(times),
        payload=draw(st.binary(max_size=64)),
        f_port=draw(st.integers(0, 255)),
        f_cnt=draw(st.integers(0, 2**32 - 1)),
        device_name=draw(st.none() | names),
        application_id=draw(
            st.none() | st.from_regex(r"[a-z0-9-]{1,20}|[0-9]{1,6}", fullmatch=True)
        ),
        dev_addr=draw(st.none() | st.text("0123456789ABCDEF", min_size=8, max_size=8)),
        confirmed=draw(st.booleans()),
        data_rate=rate,
        spreading_factor=sf,
        bandwidth_hz=bw,
        frequency_hz=draw(st.none() | st.integers(863_000_000, 928_000_000)),
        airtime_s=draw(st.none() | st.integers(1, 5_000_000).map(lambda us: us / 1_000_000)),
        decoded=draw(st.none() | st.dictionaries(st.text(max_size=8), json_values, max_size=4)),
        brand_id=draw(st.none() | st.sampled_from(["dragino", "decentlab"])),
        model_id=draw(st.none() | st.sampled_from(["lse01", "dl-pr26"])),
        device_profile=draw(st.none() | st.sampled_from(["LSE01 EU868", "Soil"])),
        dedup_id=draw(st.none() | st.uuids().map(str)),
        simulated=draw(st.booleans()) if fmt == "ttn-v3" else False,
        receptions=draw(receptions()),
    )


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_uplink_round_trips(fmt: Format, data: st.DataObject) -> None:
    uplink = data.draw(uplinks(fmt))
    assert round_trip(uplink, fmt) == expected(uplink, fmt)
