"""The Things Stack (TTN v3, TTS Cloud/Enterprise/Open Source) `ApplicationUp` JSON.

Shape: `api/ttn/lorawan/v3/messages.proto` as printed by the stack's JSON formatter
(snake_case names, zero/empty/false fields omitted, 64-bit integers as strings, bytes as
base64, EUIs as upper-case hex, RFC 3339 times with up to 9 fractional digits and `Z`,
durations like `"0.056576s"`). See `shared/research/wire-formats.md` §2.1 and §6.

Mapping choices:

- `received_at` = `uplink_message.received_at` (Network Server time), else the top-level
  `received_at` (Application Server time), else `settings.time`, else the earliest
  `rx_metadata[].received_at`/`time`, else the caller's `arrival_time`.
- A simulated uplink (`"simulated": true`) whose `uplink_message.received_at` is the Go
  zero time is `Skipped`; one with a real time is parsed with `simulated=True`.
- `dedup_id` = the `as:up:<ULID>` correlation id when present (absent in Storage
  Integration records).
- Packet Broker receptions are keyed on the forwarder gateway
  (`packet_broker.forwarder_gateway_eui/_id`), not on the `packetbroker` pseudo-gateway.
- The Things Stack lets ABP devices exist without a DevEUI (the `json_test.go` uplink,
  the documented `downlink_queued`/`downlink_failed` events). Such a device gets a stable
  *locally administered* EUI-64 derived from its application and device ids (see
  `local_eui`), so its data is kept and attributed instead of dropped. The U/L bit marks
  it as not IEEE-assigned, so it can never collide with a real DevEUI.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from netserver import _common as c
from netserver import ttn_fast
from netserver.errors import EnvelopeError
from netserver.model import Message, NetworkEvent, Reception, Skipped, Source, Uplink

SOURCE: Source = "ttn-v3"
TOPICS = ("v3/+/devices/+/up",)
DEFAULT_APPLICATION_ID = "smartregion"  # render only, when the uplink has none

_DEVICE_ID = re.compile(r"[a-z0-9](?:-?[a-z0-9]){2,35}")


class _ApplicationIds(BaseModel):
    application_id: str = ""


class _EndDeviceIds(BaseModel):
    device_id: str = ""
    application_ids: _ApplicationIds = Field(default_factory=_ApplicationIds)
    dev_eui: str | None = None
    join_eui: str | None = None
    dev_addr: str | None = None


class _GatewayIds(BaseModel):
    gateway_id: str | None = None
    eui: str | None = None


class _Location(BaseModel):
    latitude: float = 0.0
    longitude: float = 0.0
    altitude: float = 0.0
    accuracy: float | None = None
    source: str | None = None


class _PacketBroker(BaseModel):
    forwarder_net_id: str | None = None
    forwarder_gateway_eui: str | None = None
    forwarder_gateway_id: str | None = None


class _RxMetadata(BaseModel):
    gateway_ids: _GatewayIds = Field(default_factory=_GatewayIds)
    time: datetime | None = None
    received_at: datetime | None = None
    rssi: float | None = None
    channel_rssi: float | None = None
    snr: float | None = None
    location: _Location | None = None
    packet_broker: _PacketBroker | None = None


class _Lora(BaseModel):
    bandwidth: int = 0
    spreading_factor: int = 0


class _Fsk(BaseModel):
    bit_rate: int = 0


class _DataRate(BaseModel):
    lora: _Lora | None = None
    fsk: _Fsk | None = None


class _Settings(BaseModel):
    data_rate: _DataRate | None = None
    frequency: int = Field(default=0, ge=0)
    time: datetime | None = None


class _VersionIds(BaseModel):
    brand_id: str | None = None
    model_id: str | None = None


class _UplinkMessage(BaseModel):
    f_port: int = Field(default=0, ge=0, le=255)
    f_cnt: int = Field(default=0, ge=0, le=0xFFFFFFFF)
    frm_payload: str = ""
    decoded_payload: dict[str, Any] | None = None
    normalized_payload: list[dict[str, Any]] | dict[str, Any] | None = None
    rx_metadata: list[_RxMetadata] = Field(default_factory=list)
    settings: _Settings | None = None
    received_at: datetime | None = None
    consumed_airtime: str | None = None
    confirmed: bool = False
    version_ids: _VersionIds | None = None


class _JoinAccept(BaseModel):
    session_key_id: str | None = None
    received_at: datetime | None = None


class _Downlink(BaseModel):
    f_port: int = 0
    f_cnt: int = 0
    confirmed: bool = False
    priority: str | None = None


class _ErrorDetails(BaseModel):
    namespace: str | None = None
    name: str | None = None
    message_format: str | None = None
    code: int | None = None


class _DownlinkFailed(BaseModel):
    downlink: _Downlink = Field(default_factory=_Downlink)
    error: _ErrorDetails | None = None


class _QueueInvalidated(BaseModel):
    last_f_cnt_down: int = 0


class _LocationSolved(BaseModel):
    service: str | None = None
    location: _Location | None = None


class _ServiceData(BaseModel):
    service: str | None = None


class _ApplicationUp(BaseModel):
    end_device_ids: _EndDeviceIds | None = None
    correlation_ids: list[str] = Field(default_factory=list)
    received_at: datetime | None = None
    simulated: bool = False
    uplink_message: _UplinkMessage | None = None
    uplink_normalized: Any = None
    join_accept: _JoinAccept | None = None
    downlink_queued: _Downlink | None = None
    downlink_sent: _Downlink | None = None
    downlink_ack: _Downlink | None = None
    downlink_nack: _Downlink | None = None
    downlink_failed: _DownlinkFailed | None = None
    downlink_queue_invalidated: _QueueInvalidated | None = None
    location_solved: _LocationSolved | None = None
    service_data: _ServiceData | None = None
    downlinks: list[Any] | None = None  # body of down/push and down/replace (commands)


class _StorageRecord(BaseModel):
    result: _ApplicationUp


# topic event -> the ApplicationUp key that carries it
_EVENT_KEYS = {
    "up": "uplink_message",
    "up/normalized": "uplink_normalized",
    "join": "join_accept",
    "down/queued": "downlink_queued",
    "down/sent": "downlink_sent",
    "down/ack": "downlink_ack",
    "down/nack": "downlink_nack",
    "down/failed": "downlink_failed",
    "down/invalidated": "downlink_queue_invalidated",
    "location/solved": "location_solved",
    "service/data": "service_data",
    "down/push": "downlinks",
    "down/replace": "downlinks",
}


def parse(event: str | None, payload: bytes, arrival_time: datetime | None) -> Message:
    """One MQTT message of The Things Stack; `event` is the topic's event suffix."""
    if event == "up":
        fast = ttn_fast.decode_uplink(payload)
        if fast is not None:
            return _uplink(fast, arrival_time)  # type: ignore[arg-type]  # same shape
    return _message(c.validate(_ApplicationUp, payload), event, arrival_time)


def parse_storage_record(record: bytes, arrival_time: datetime | None = None) -> Message:
    """One `{"result": ApplicationUp}` record of the Storage Integration HTTP response."""
    return _message(c.validate(_StorageRecord, record).result, None, arrival_time)


def _message(up: _ApplicationUp, event: str | None, arrival_time: datetime | None) -> Message:
    if event is not None:
        key = _EVENT_KEYS[event]
        if key == "downlinks":
            return Skipped(SOURCE, f"{event}: a downlink command to The Things Stack, not an event")
        if getattr(up, key) is None:
            raise EnvelopeError(f"missing {key} (topic event {event})")
    else:
        present = [k for k in dict.fromkeys(_EVENT_KEYS.values()) if getattr(up, k) is not None]
        if not present:
            raise EnvelopeError("no known event in the message (e.g. missing uplink_message)")
        key = present[0]
        if key == "downlinks":
            return Skipped(SOURCE, "downlink command to The Things Stack, not an event")

    if key == "uplink_message":
        return _uplink(up, arrival_time)
    if key == "uplink_normalized":
        return Skipped(SOURCE, "normalized payload; the uplink itself arrives on .../up")
    ids = up.end_device_ids
    if ids is None:
        raise EnvelopeError("missing end_device_ids")
    dev_eui = _device_eui(ids)
    if dev_eui is None:
        return Skipped(
            SOURCE, f"{key} without end_device_ids.dev_eui (device_id {ids.device_id!r})"
        )
    server_time = c.utc(up.received_at)
    details: dict[str, Any]
    if key == "join_accept":
        assert up.join_accept is not None
        time = c.first_time(c.utc(up.join_accept.received_at), server_time, arrival_time)
        details = {
            "dev_addr": c.dev_addr(ids.dev_addr, "end_device_ids.dev_addr"),
            "join_eui": c.eui(ids.join_eui, "end_device_ids.join_eui"),
        }
        return NetworkEvent(SOURCE, "join", dev_eui, c.require_time(time, "received_at"), details)
    time = c.require_time(c.first_time(server_time, arrival_time), "received_at")
    if key == "location_solved":
        solved = up.location_solved
        assert solved is not None
        loc = solved.location or _Location()
        lat, lon, alt = c.location(loc.latitude, loc.longitude, loc.altitude)
        details = {"service": solved.service, "latitude": lat, "longitude": lon, "altitude": alt}
        details |= {"accuracy": loc.accuracy, "location_source": loc.source}
        return NetworkEvent(SOURCE, "location", dev_eui, time, details)
    if key == "service_data":
        assert up.service_data is not None
        return NetworkEvent(
            SOURCE, "service_data", dev_eui, time, {"service": up.service_data.service}
        )
    if key == "downlink_queue_invalidated":
        assert up.downlink_queue_invalidated is not None
        details = {"last_f_cnt_down": up.downlink_queue_invalidated.last_f_cnt_down}
        return NetworkEvent(SOURCE, "downlink_invalidated", dev_eui, time, details)
    if key == "downlink_failed":
        failed = up.downlink_failed
        assert failed is not None
        details = _downlink_details(failed.downlink)
        if failed.error is not None:
            details |= {
                "error": failed.error.name,
                "error_namespace": failed.error.namespace,
                "description": failed.error.message_format,
                "code": failed.error.code,
            }
        return NetworkEvent(SOURCE, key, dev_eui, time, details)
    downlink = getattr(up, key)
    assert isinstance(downlink, _Downlink)
    details = _downlink_details(downlink)
    if key == "downlink_ack":
        details["acknowledged"] = True
    elif key == "downlink_nack":
        details["acknowledged"] = False
    return NetworkEvent(SOURCE, key, dev_eui, time, details)


def _downlink_details(downlink: _Downlink) -> dict[str, Any]:
    return {
        "f_port": downlink.f_port,
        "f_cnt": downlink.f_cnt,
        "confirmed": downlink.confirmed,
        "priority": downlink.priority,
    }


def local_eui(application_id: str, device_id: str) -> str:
    """A stable, locally administered EUI-64 for a device registered without a DevEUI."""
    digest = bytearray(hashlib.sha256(f"ttn:{application_id}/{device_id}".encode()).digest()[:8])
    digest[0] = (digest[0] | 0x02) & 0xFE  # U/L bit: locally administered; I/G bit: unicast
    return digest.hex().upper()


def _device_eui(ids: _EndDeviceIds) -> str | None:
    eui = c.eui(ids.dev_eui, "end_device_ids.dev_eui")
    if eui is not None:
        return eui
    application_id = ids.application_ids.application_id
    if ids.device_id and application_id:
        return local_eui(application_id, ids.device_id)
    return None


def _uplink(up: _ApplicationUp, arrival_time: datetime | None) -> Message:
    msg = up.uplink_message
    assert msg is not None
    ids = up.end_device_ids
    ns_time = c.utc(msg.received_at)
    if up.simulated and ns_time is None:
        dev_eui = None if ids is None else c.eui(ids.dev_eui, "end_device_ids.dev_eui")
        return Skipped(
            SOURCE,
            "simulated uplink (Console/API simulation; uplink_message.received_at is zero)",
            dev_eui,
        )
    if ids is None:
        raise EnvelopeError("missing end_device_ids")
    dev_eui = _device_eui(ids)
    if dev_eui is None:
        raise EnvelopeError("missing end_device_ids.dev_eui and end_device_ids.device_id")
    settings = msg.settings or _Settings()
    received_at = ns_time or c.first_time(
        c.utc(up.received_at),
        c.utc(settings.time),
        c.earliest(
            [c.utc(rx.received_at) for rx in msg.rx_metadata]
            + [c.utc(rx.time) for rx in msg.rx_metadata]
        ),
        arrival_time,
    )
    data_rate = settings.data_rate or _DataRate()
    sf = bw = None
    rate_name = None
    if data_rate.lora is not None:
        sf = data_rate.lora.spreading_factor or None
        bw = data_rate.lora.bandwidth or None
        rate_name = c.lora_data_rate(sf, bw)
    elif data_rate.fsk is not None and data_rate.fsk.bit_rate:
        rate_name = f"FSK{data_rate.fsk.bit_rate}"
    lora = sf is not None
    version = msg.version_ids or _VersionIds()
    return Uplink(
        source=SOURCE,
        dev_eui=dev_eui,
        received_at=c.require_time(received_at, "uplink_message.received_at"),
        payload=c.b64decode(msg.frm_payload, "uplink_message.frm_payload"),
        f_port=msg.f_port,
        f_cnt=msg.f_cnt,
        device_name=c.none_if_empty(ids.device_id),
        application_id=c.none_if_empty(ids.application_ids.application_id),
        dev_addr=c.dev_addr(ids.dev_addr, "end_device_ids.dev_addr"),
        confirmed=msg.confirmed,
        data_rate=rate_name,
        spreading_factor=sf,
        bandwidth_hz=bw,
        frequency_hz=settings.frequency or None,
        airtime_s=c.parse_duration(msg.consumed_airtime, "uplink_message.consumed_airtime"),
        decoded=msg.decoded_payload,
        normalized=msg.normalized_payload,
        brand_id=c.none_if_empty(version.brand_id),
        model_id=c.none_if_empty(version.model_id),
        dedup_id=_uplink_correlation_id(up.correlation_ids),
        simulated=up.simulated,
        receptions=c.merge_receptions([_reception(rx, lora) for rx in msg.rx_metadata]),
    )


def _uplink_correlation_id(correlation_ids: list[str]) -> str | None:
    for cid in correlation_ids:
        if cid.startswith("as:up:"):
            return cid
    return None


def _reception(rx: _RxMetadata, lora: bool) -> Reception:
    gateway_eui = c.eui(rx.gateway_ids.eui, "rx_metadata.gateway_ids.eui")
    gateway_id = c.none_if_empty(rx.gateway_ids.gateway_id)
    if rx.packet_broker is not None:
        # Roaming traffic: the real gateway is the forwarder (lorawan-stack #2507, #4076).
        pb = rx.packet_broker
        gateway_eui = c.eui(
            pb.forwarder_gateway_eui, "rx_metadata.packet_broker.forwarder_gateway_eui"
        )
        gateway_id = c.none_if_empty(pb.forwarder_gateway_id)
    rssi, snr = c.rssi_snr(rx.rssi if rx.rssi is not None else rx.channel_rssi, rx.snr, lora=lora)
    lat = lon = alt = None
    if rx.location is not None:
        lat, lon, alt = c.location(
            rx.location.latitude, rx.location.longitude, rx.location.altitude
        )
    # positional (one per gateway per uplink): gateway_eui, gateway_id, rssi, snr,
    # latitude, longitude, altitude, time
    return Reception(gateway_eui, gateway_id, rssi, snr, lat, lon, alt, c.utc(rx.time))


# --- render ------------------------------------------------------------------------------


def device_id(uplink: Uplink) -> str:
    """The TTN device id used in topic and body: the device name when it is a valid id."""
    name = uplink.device_name
    if name is not None and _DEVICE_ID.fullmatch(name):
        return name
    return "eui-" + uplink.dev_eui.lower()


def render(uplink: Uplink) -> tuple[str, bytes]:
    """An uplink as The Things Stack publishes it (zero values omitted, as TTS does)."""
    application_id = uplink.application_id or DEFAULT_APPLICATION_ID
    dev_id = device_id(uplink)
    ids: dict[str, Any] = {
        "device_id": dev_id,
        "application_ids": {"application_id": application_id},
        "dev_eui": uplink.dev_eui.upper(),
    }
    if uplink.dev_addr:
        ids["dev_addr"] = uplink.dev_addr.upper()
    received = c.format_time(uplink.received_at, zulu=True)
    msg: dict[str, Any] = {}
    if uplink.f_port:
        msg["f_port"] = uplink.f_port
    if uplink.f_cnt:
        msg["f_cnt"] = uplink.f_cnt
    if uplink.payload:
        msg["frm_payload"] = c.b64encode(uplink.payload)
    if uplink.decoded is not None:
        msg["decoded_payload"] = dict(uplink.decoded)
    if uplink.normalized is not None:
        msg["normalized_payload"] = uplink.normalized
    if uplink.receptions:
        msg["rx_metadata"] = [_render_reception(r) for r in uplink.receptions]
    settings: dict[str, Any] = {}
    if uplink.spreading_factor or uplink.bandwidth_hz:
        lora: dict[str, Any] = {"coding_rate": "4/5"}
        if uplink.bandwidth_hz:
            lora["bandwidth"] = uplink.bandwidth_hz
        if uplink.spreading_factor:
            lora["spreading_factor"] = uplink.spreading_factor
        settings["data_rate"] = {"lora": lora}
    elif uplink.data_rate and uplink.data_rate.startswith("FSK"):
        settings["data_rate"] = {"fsk": {"bit_rate": int(uplink.data_rate[3:])}}
    if uplink.frequency_hz:
        settings["frequency"] = str(uplink.frequency_hz)
    if settings:
        msg["settings"] = settings
    msg["received_at"] = received
    if uplink.airtime_s is not None:
        msg["consumed_airtime"] = c.format_duration(uplink.airtime_s)
    if uplink.confirmed:
        msg["confirmed"] = True
    version = {k: v for k, v in (("brand_id", uplink.brand_id), ("model_id", uplink.model_id)) if v}
    if version:
        msg["version_ids"] = version
    body: dict[str, Any] = {"end_device_ids": ids}
    if uplink.dedup_id:
        cid = uplink.dedup_id
        body["correlation_ids"] = [cid if cid.startswith("as:up:") else "as:up:" + cid]
    body["received_at"] = received
    body["uplink_message"] = msg
    if uplink.simulated:
        body["simulated"] = True
    return f"v3/{application_id}@ttn/devices/{dev_id}/up", c.dumps(body)


def _render_reception(r: Reception) -> dict[str, Any]:
    gateway_ids: dict[str, Any] = {}
    if r.gateway_id:
        gateway_ids["gateway_id"] = r.gateway_id
    elif r.gateway_eui:
        gateway_ids["gateway_id"] = "eui-" + r.gateway_eui.lower()
    if r.gateway_eui:
        gateway_ids["eui"] = r.gateway_eui.upper()
    rx: dict[str, Any] = {"gateway_ids": gateway_ids}
    if r.time is not None:
        rx["time"] = c.format_time(r.time, zulu=True)
    if r.rssi:
        rx["rssi"] = r.rssi
        rx["channel_rssi"] = r.rssi
    if r.snr:
        rx["snr"] = r.snr
    if r.latitude is not None and r.longitude is not None:
        loc: dict[str, Any] = {"source": "SOURCE_REGISTRY"}
        if r.latitude:
            loc["latitude"] = r.latitude
        if r.longitude:
            loc["longitude"] = r.longitude
        if r.altitude:
            loc["altitude"] = round(r.altitude)  # int32 metres in TTS
        rx["location"] = loc
    return rx
