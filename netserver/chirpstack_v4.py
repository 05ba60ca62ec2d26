"""ChirpStack v4 integration events: JSON (`json=true`, the default) and binary protobuf.

Shapes: `api/proto/integration/integration.proto` and `api/proto/gw/gw.proto`, read with
the official `chirpstack-api` package for protobuf. JSON is the protobuf JSON mapping with
camelCase names; since v4.1 top-level fields are printed even at default values, nested
`rxInfo`/`txInfo` fields are not; EUIs and DevAddr are lower-case hex; times carry
nanoseconds and `+00:00` (wire-formats §2.2).

Mapping choices:

- `received_at` = the event `time` (ChirpStack's RX time: GPS time, else gateway time
  within the allowed drift, else its own receive time), else the earliest `rxInfo[].nsTime`,
  else the earliest `rxInfo[].gwTime`, else the caller's `arrival_time`.
- `dedup_id` = `deduplicationId` (the idempotency key ChirpStack itself uses).
- `gatewayId` is the gateway EUI: a reception gets `gateway_eui` (upper-case) and
  `gateway_id=None`; a `gatewayId` that is not an EUI is kept as `gateway_id`.
- `object` (a `google.protobuf.Struct`) becomes `decoded`; its numbers are doubles.
- Airtime is not in ChirpStack events: `airtime_s` is None.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chirpstack_api import common as cs_common
from chirpstack_api import gw as cs_gw
from chirpstack_api import integration as cs
from google.protobuf import json_format, struct_pb2
from google.protobuf.message import DecodeError
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from netserver import _common as c
from netserver.errors import EnvelopeError
from netserver.model import DeviceStatus, Message, NetworkEvent, Reception, Skipped, Source, Uplink

SOURCE: Source = "chirpstack-v4"
TOPICS = ("application/+/device/+/event/up", "application/+/device/+/event/status")

_EVENT_CLASSES: dict[str, Any] = {
    "join": cs.JoinEvent,
    "status": cs.StatusEvent,
    "ack": cs.AckEvent,
    "txack": cs.TxAckEvent,
    "log": cs.LogEvent,
    "location": cs.LocationEvent,
}


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel)


class _DeviceInfo(_Model):
    application_id: str = ""
    device_profile_name: str = ""
    device_name: str = ""
    dev_eui: str = ""


class _Location(_Model):
    latitude: float = 0.0
    longitude: float = 0.0
    altitude: float = 0.0
    source: str | None = None
    accuracy: float | None = None


class _RxInfo(_Model):
    gateway_id: str = ""
    gw_time: datetime | None = None
    ns_time: datetime | None = None
    rssi: float = 0.0
    snr: float = 0.0
    location: _Location | None = None


class _Lora(_Model):
    bandwidth: int = 0
    spreading_factor: int = 0


class _Fsk(_Model):
    datarate: int = 0


class _Modulation(_Model):
    lora: _Lora | None = None
    fsk: _Fsk | None = None


class _TxInfo(_Model):
    frequency: int = Field(default=0, ge=0)
    modulation: _Modulation | None = None


class _Event(_Model):
    """Fields common to every event, and those of the events other than `up`."""

    deduplication_id: str = ""
    time: datetime | None = None
    device_info: _DeviceInfo
    dev_addr: str = ""
    # status
    margin: int = 0
    external_power_source: bool = False
    battery_level_unavailable: bool = False
    battery_level: float = 0.0
    # ack / txack
    queue_item_id: str = ""
    acknowledged: bool = False
    f_cnt_down: int = 0
    downlink_id: int = 0
    gateway_id: str = ""
    tx_info: _TxInfo | None = None
    # log
    level: str = ""
    code: str = ""
    description: str = ""
    context: dict[str, Any] = Field(default_factory=dict)
    # location
    location: _Location | None = None
    # integration (legacy LoRa Cloud output, removed in v4.15.0)
    integration_name: str = ""
    event_type: str = ""


class _Up(_Model):
    deduplication_id: str = ""
    time: datetime | None = None
    device_info: _DeviceInfo
    dev_addr: str = ""
    f_cnt: int = Field(default=0, ge=0, le=0xFFFFFFFF)
    f_port: int = Field(default=0, ge=0, le=255)
    confirmed: bool = False
    data: str = ""
    object_: dict[str, Any] | None = Field(default=None, alias="object")
    rx_info: list[_RxInfo] = Field(default_factory=list)
    tx_info: _TxInfo | None = None


def parse(event: str | None, payload: bytes, arrival_time: datetime | None) -> Message:
    """One ChirpStack v4 event, JSON or binary protobuf (decided from the payload)."""
    event = event or "up"
    if event.startswith("command/"):
        return Skipped(SOURCE, f"{event}: a downlink command to ChirpStack, not an event")
    if event == "up":
        if c.is_json(payload):
            return _uplink_json(c.validate(_Up, payload), arrival_time)
        return _uplink_protobuf(payload, arrival_time)
    if event not in _EVENT_CLASSES and event != "integration":
        return Skipped(SOURCE, f"unsupported ChirpStack event {event!r}")
    if c.is_json(payload):
        return _event(event, c.validate(_Event, payload), arrival_time)
    if event == "integration":
        return Skipped(
            SOURCE,
            "integration event in protobuf: IntegrationEvent was removed in ChirpStack "
            "v4.15 and chirpstack-api cannot decode it",
        )
    # Rare events: decode with chirpstack-api, then share the JSON path.
    message = _EVENT_CLASSES[event]()
    _parse_protobuf(message, payload, event)
    as_json = json_format.MessageToDict(message)
    return _event(event, c.validate(_Event, as_json), arrival_time)


def _parse_protobuf(message: Any, payload: bytes, event: str) -> None:
    try:
        message.ParseFromString(payload)
    except DecodeError as exc:
        name = type(message).__name__
        raise EnvelopeError(f"neither JSON nor a protobuf {name} ({event}): {exc}") from None


def _event(event: str, ev: _Event, arrival_time: datetime | None) -> Message:
    dev_eui = c.require_eui(ev.device_info.dev_eui, "deviceInfo.devEui")
    time = c.require_time(c.first_time(c.utc(ev.time), arrival_time), "time")
    details: dict[str, Any]
    if event == "status":
        external = ev.external_power_source
        unavailable = ev.battery_level_unavailable
        # v4 `batteryLevel` is already a percentage (integration.proto StatusEvent).
        level = None if external or unavailable else round(ev.battery_level, 2)
        return DeviceStatus(SOURCE, dev_eui, time, level, float(ev.margin), external)
    if event == "join":
        details = {"dev_addr": c.dev_addr(ev.dev_addr, "devAddr")}
    elif event == "ack":
        details = {
            "acknowledged": ev.acknowledged,
            "f_cnt_down": ev.f_cnt_down,
            "queue_item_id": c.none_if_empty(ev.queue_item_id),
        }
    elif event == "txack":
        details = {
            "f_cnt_down": ev.f_cnt_down,
            "queue_item_id": c.none_if_empty(ev.queue_item_id),
            "downlink_id": ev.downlink_id,
            "gateway_eui": c.eui(ev.gateway_id, "gatewayId"),
            "frequency_hz": (ev.tx_info.frequency if ev.tx_info else 0) or None,
        }
    elif event == "log":
        details = {
            "level": ev.level or "INFO",
            "code": ev.code or "UNKNOWN",
            "description": ev.description,
            "context": dict(ev.context),
        }
    elif event == "location":
        loc = ev.location or _Location()
        lat, lon, alt = c.location(loc.latitude, loc.longitude, loc.altitude)
        details = {"latitude": lat, "longitude": lon, "altitude": alt}
        details |= {"accuracy": loc.accuracy, "location_source": loc.source}
    else:  # integration
        details = {"integration_name": ev.integration_name, "event_type": ev.event_type}
    if ev.deduplication_id:
        details["dedup_id"] = ev.deduplication_id
    return NetworkEvent(SOURCE, event, dev_eui, time, details)


def _uplink_json(up: _Up, arrival_time: datetime | None) -> Uplink:
    tx = up.tx_info or _TxInfo()
    modulation = tx.modulation or _Modulation()
    sf = bw = None
    rate_name = None
    if modulation.lora is not None:
        sf = modulation.lora.spreading_factor or None
        bw = modulation.lora.bandwidth or None
        rate_name = c.lora_data_rate(sf, bw)
    elif modulation.fsk is not None and modulation.fsk.datarate:
        rate_name = f"FSK{modulation.fsk.datarate}"
    lora = sf is not None
    receptions = []
    ns_times = []
    gw_times = []
    for rx in up.rx_info:
        gw_time = c.utc(rx.gw_time)
        ns_times.append(c.utc(rx.ns_time))
        gw_times.append(gw_time)
        loc = rx.location or _Location()
        receptions.append(
            _reception(
                rx.gateway_id,
                rx.rssi,
                rx.snr,
                loc.latitude,
                loc.longitude,
                loc.altitude,
                gw_time,
                lora,
            )
        )
    info = up.device_info
    return Uplink(
        source=SOURCE,
        dev_eui=c.require_eui(info.dev_eui, "deviceInfo.devEui"),
        received_at=_received_at(c.utc(up.time), ns_times, gw_times, arrival_time),
        payload=c.b64decode(up.data, "data"),
        f_port=up.f_port,
        f_cnt=up.f_cnt,
        device_name=c.none_if_empty(info.device_name),
        application_id=c.none_if_empty(info.application_id),
        dev_addr=c.dev_addr(up.dev_addr, "devAddr"),
        confirmed=up.confirmed,
        data_rate=rate_name,
        spreading_factor=sf,
        bandwidth_hz=bw,
        frequency_hz=tx.frequency or None,
        decoded=up.object_,
        device_profile=c.none_if_empty(info.device_profile_name),
        dedup_id=c.none_if_empty(up.deduplication_id),
        receptions=c.merge_receptions(receptions),
    )


def _uplink_protobuf(payload: bytes, arrival_time: datetime | None) -> Uplink:
    up = cs.UplinkEvent()
    _parse_protobuf(up, payload, "up")
    sf = bw = None
    rate_name = None
    modulation = up.tx_info.modulation
    kind = modulation.WhichOneof("parameters")
    if kind == "lora":
        sf = modulation.lora.spreading_factor or None
        bw = modulation.lora.bandwidth or None
        rate_name = c.lora_data_rate(sf, bw)
    elif kind == "fsk" and modulation.fsk.datarate:
        rate_name = f"FSK{modulation.fsk.datarate}"
    lora = sf is not None
    receptions = []
    ns_times = []
    gw_times = []
    for rx in up.rx_info:
        gw_time = _timestamp(rx, "gw_time")
        ns_times.append(_timestamp(rx, "ns_time"))
        gw_times.append(gw_time)
        loc = rx.location
        receptions.append(
            _reception(
                rx.gateway_id,
                rx.rssi,
                c.float32(rx.snr),
                loc.latitude,
                loc.longitude,
                loc.altitude,
                gw_time,
                lora,
            )
        )
    info = up.device_info
    return Uplink(
        source=SOURCE,
        dev_eui=c.require_eui(info.dev_eui, "deviceInfo.devEui"),
        received_at=_received_at(_timestamp(up, "time"), ns_times, gw_times, arrival_time),
        payload=bytes(up.data),
        f_port=_checked(up.f_port, 255, "fPort"),
        f_cnt=up.f_cnt,
        device_name=c.none_if_empty(info.device_name),
        application_id=c.none_if_empty(info.application_id),
        dev_addr=c.dev_addr(up.dev_addr, "devAddr"),
        confirmed=up.confirmed,
        data_rate=rate_name,
        spreading_factor=sf,
        bandwidth_hz=bw,
        frequency_hz=up.tx_info.frequency or None,
        decoded=_struct(up.object) if up.HasField("object") else None,
        device_profile=c.none_if_empty(info.device_profile_name),
        dedup_id=c.none_if_empty(up.deduplication_id),
        receptions=c.merge_receptions(receptions),
    )


def _checked(value: int, maximum: int, field: str) -> int:
    if value > maximum:
        raise EnvelopeError(f"{field}: must be at most {maximum} (got {value})")
    return value


def _timestamp(message: Any, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    ts = getattr(message, field)
    return c.timestamp_to_datetime(ts.seconds, ts.nanos)


def _received_at(
    time: datetime | None,
    ns_times: list[datetime | None],
    gw_times: list[datetime | None],
    arrival_time: datetime | None,
) -> datetime:
    chosen = c.first_time(time, c.earliest(ns_times), c.earliest(gw_times), arrival_time)
    return c.require_time(chosen, "time")


def _reception(
    gateway: str,
    rssi: float,
    snr: float,
    latitude: float,
    longitude: float,
    altitude: float,
    time: datetime | None,
    lora: bool,
) -> Reception:
    gateway_eui: str | None = None
    gateway_id: str | None = None
    if len(gateway) == 16:
        gateway_eui = c.eui(gateway, "rxInfo.gatewayId")
    elif gateway:
        gateway_id = gateway
    rssi_value, snr_value = c.rssi_snr(rssi, snr, lora=lora)
    lat, lon, alt = c.location(latitude, longitude, altitude)
    return Reception(gateway_eui, gateway_id, rssi_value, snr_value, lat, lon, alt, time)


def _struct(struct: Any) -> dict[str, Any]:
    return {key: _value(value) for key, value in struct.fields.items()}


def _value(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return _struct(value.struct_value)
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    return None


# --- render ------------------------------------------------------------------------------


def application_id(uplink: Uplink) -> str:
    """The v4 application id to render: v4 ids are UUIDs, and a decimal id would make the
    topic read as ChirpStack v3, so decimal ids get the UUID that ChirpStack's v3 -> v4
    migration gives them (`1234` -> `00000000-0000-0000-0000-000000001234`)."""
    app = uplink.application_id or ""
    if app.isdigit() and len(app) <= 12:
        return f"00000000-0000-0000-0000-{app:0>12}"
    return app


def topic(uplink: Uplink) -> str:
    return f"application/{application_id(uplink)}/device/{uplink.dev_eui.lower()}/event/up"


def render_json(uplink: Uplink) -> tuple[str, bytes]:
    """An uplink as ChirpStack v4 prints it with `json=true` (top-level defaults included)."""
    body: dict[str, Any] = {"deduplicationId": uplink.dedup_id or ""}
    body["time"] = c.format_time(uplink.received_at, zulu=False)
    body["deviceInfo"] = {
        "tenantId": "",
        "tenantName": "",
        "applicationId": application_id(uplink),
        "applicationName": "",
        "deviceProfileId": "",
        "deviceProfileName": uplink.device_profile or "",
        "deviceName": uplink.device_name or "",
        "devEui": uplink.dev_eui.lower(),
        "deviceClassEnabled": "CLASS_A",
        "tags": {},
    }
    body |= {
        "devAddr": (uplink.dev_addr or "").lower(),
        "adr": False,
        "dr": c.eu868_dr(uplink.spreading_factor, uplink.bandwidth_hz) or 0,
        "fCnt": uplink.f_cnt,
        "fPort": uplink.f_port,
        "confirmed": uplink.confirmed,
        "data": c.b64encode(uplink.payload),
    }
    if uplink.decoded is not None:
        body["object"] = dict(uplink.decoded)
    body["rxInfo"] = [_render_rx_json(r, uplink.received_at) for r in uplink.receptions]
    tx: dict[str, Any] = {}
    if uplink.frequency_hz:
        tx["frequency"] = uplink.frequency_hz
    if uplink.spreading_factor or uplink.bandwidth_hz:
        lora: dict[str, Any] = {"codeRate": "CR_4_5"}
        if uplink.bandwidth_hz:
            lora["bandwidth"] = uplink.bandwidth_hz
        if uplink.spreading_factor:
            lora["spreadingFactor"] = uplink.spreading_factor
        tx["modulation"] = {"lora": lora}
    body["txInfo"] = tx
    body["regionConfigId"] = ""
    return topic(uplink), c.dumps(body)


def _render_rx_json(r: Reception, received_at: datetime) -> dict[str, Any]:
    rx: dict[str, Any] = {}
    gateway = _gateway_field(r)
    if gateway:
        rx["gatewayId"] = gateway
    if r.time is not None:
        rx["gwTime"] = c.format_time(r.time, zulu=False)
    rx["nsTime"] = c.format_time(received_at, zulu=False)
    if r.rssi:
        rx["rssi"] = round(r.rssi)  # int32 in gw.proto
    if r.snr:
        rx["snr"] = r.snr
    if r.latitude is not None:
        loc = {"latitude": r.latitude, "longitude": r.longitude, "altitude": r.altitude}
        rx["location"] = {k: v for k, v in loc.items() if v}
    rx["crcStatus"] = "CRC_OK"
    return rx


def _gateway_field(r: Reception) -> str:
    if r.gateway_eui:
        return r.gateway_eui.lower()
    return r.gateway_id or ""


def render_protobuf(uplink: Uplink) -> tuple[str, bytes]:
    """An uplink as ChirpStack v4 publishes it with `json=false` (`integration.UplinkEvent`)."""
    event = cs.UplinkEvent(
        deduplication_id=uplink.dedup_id or "",
        dev_addr=(uplink.dev_addr or "").lower(),
        dr=c.eu868_dr(uplink.spreading_factor, uplink.bandwidth_hz) or 0,
        f_cnt=uplink.f_cnt,
        f_port=uplink.f_port,
        confirmed=uplink.confirmed,
        data=uplink.payload,
    )
    seconds, nanos = c.datetime_to_timestamp(uplink.received_at)
    event.time.seconds, event.time.nanos = seconds, nanos
    info = event.device_info
    info.application_id = application_id(uplink)
    info.device_profile_name = uplink.device_profile or ""
    info.device_name = uplink.device_name or ""
    info.dev_eui = uplink.dev_eui.lower()
    if uplink.decoded is not None:
        event.object.CopyFrom(_to_struct(uplink.decoded))
    for r in uplink.receptions:
        rx = event.rx_info.add()
        rx.gateway_id = _gateway_field(r)
        if r.time is not None:
            rx.gw_time.seconds, rx.gw_time.nanos = c.datetime_to_timestamp(r.time)
        rx.ns_time.seconds, rx.ns_time.nanos = seconds, nanos
        rx.rssi = round(r.rssi or 0)
        rx.snr = r.snr or 0.0
        if r.latitude is not None:
            rx.location.CopyFrom(
                cs_common.Location(
                    latitude=r.latitude, longitude=r.longitude or 0.0, altitude=r.altitude or 0.0
                )
            )
        rx.crc_status = cs_gw.CRC_OK
    if uplink.frequency_hz:
        event.tx_info.frequency = uplink.frequency_hz
    if uplink.spreading_factor or uplink.bandwidth_hz:
        lora = event.tx_info.modulation.lora
        lora.bandwidth = uplink.bandwidth_hz or 0
        lora.spreading_factor = uplink.spreading_factor or 0
        lora.code_rate = cs_gw.CR_4_5
    return topic(uplink), event.SerializeToString()


def _to_struct(decoded: Any) -> Any:
    struct = struct_pb2.Struct()
    struct.update(decoded)
    return struct
