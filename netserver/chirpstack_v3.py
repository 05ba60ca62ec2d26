"""ChirpStack Application Server v3 (legacy) events, both JSON marshalers.

`json_v3` (the v3 default) prints EUIs/DevAddr as hex and the decoded payload as `object`;
`json` (protobuf JSON mapping) prints them as base64 of the raw bytes and the decoded
payload as a JSON *string* `objectJSON`, with the LoRa modulation in
`txInfo.loRaModulationInfo` (bandwidth in kHz). Both are read by one model (wire-formats
§2.3). The binary `protobuf` marshaler is not supported: `chirpstack-api` 4.x no longer
ships the v3 messages.

Mapping choices:

- v3 events carry no event time. An uplink's `received_at` is the earliest
  `rxInfo[].time` (gateway times; `rxInfo` is only present when "Add gateway meta-data" is
  enabled in the service profile), else the caller's `arrival_time`. Other events use
  `arrival_time`.
- `json_v3` gives only the regional `dr` index, which cannot be turned into SF/BW without
  knowing the region: data rate fields stay None unless `loRaModulationInfo` is present.
- Status: `batteryLevel` is a percentage (v3 added it next to the raw `battery` 0..255 of
  the LoRaWAN DevStatusAns). Only when `batteryLevel` is absent is `battery` converted:
  0 = external power, 255 = not measurable, 1..254 scaled to percent (`battery / 254 * 100`).
- `error` events become `NetworkEvent(kind="log")` with level `ERROR`, like v4 `log`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from netserver import _common as c
from netserver.errors import EnvelopeError
from netserver.model import DeviceStatus, Message, NetworkEvent, Reception, Skipped, Source, Uplink

SOURCE: Source = "chirpstack-v3"
TOPICS = ("application/+/device/+/event/up", "application/+/device/+/event/status")
DEFAULT_APPLICATION_ID = "0"  # render only: v3 application ids are decimal integers


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel)


class _Location(_Model):
    latitude: float = 0.0
    longitude: float = 0.0
    altitude: float = 0.0


class _RxInfo(_Model):
    gateway_id: str = Field(default="", alias="gatewayID")
    name: str = ""
    time: datetime | None = None
    rssi: float = 0.0
    lora_snr: float = Field(default=0.0, alias="loRaSNR")
    location: _Location | None = None


class _LoraModulation(_Model):
    bandwidth: int = 0  # kHz
    spreading_factor: int = 0


class _TxInfo(_Model):
    frequency: int = Field(default=0, ge=0)
    lora_modulation_info: _LoraModulation | None = Field(default=None, alias="loRaModulationInfo")


class _Event(_Model):
    application_id: str | int = Field(default="", alias="applicationID")
    device_name: str = ""
    dev_eui: str = Field(default="", alias="devEUI")
    dev_addr: str = ""
    rx_info: list[_RxInfo] = Field(default_factory=list)
    tx_info: _TxInfo | None = None
    f_cnt: int = Field(default=0, ge=0, le=0xFFFFFFFF)
    f_port: int = Field(default=0, ge=0, le=255)
    data: str = ""
    object_: dict[str, Any] | None = Field(default=None, alias="object")
    object_json: str = Field(default="", alias="objectJSON")
    confirmed_uplink: bool = False
    # status
    battery: int | None = None
    margin: int = 0
    external_power_source: bool = False
    battery_level_unavailable: bool = False
    battery_level: float | None = None
    # ack / txack / error
    acknowledged: bool = False
    type: str = ""
    error: str = ""
    # location
    location: _Location | None = None
    # integration
    integration_name: str = ""
    event_type: str = ""


_EVENTS = ("up", "join", "ack", "txack", "error", "status", "location", "integration")


def parse(event: str | None, payload: bytes, arrival_time: datetime | None) -> Message:
    """One ChirpStack v3 event in either JSON marshaler."""
    event = event or "up"
    if event.startswith("command/") or event == "tx":
        return Skipped(SOURCE, f"{event}: a downlink command to ChirpStack, not an event")
    if event not in _EVENTS:
        return Skipped(SOURCE, f"unsupported ChirpStack v3 event {event!r}")
    if not c.is_json(payload):
        raise EnvelopeError(
            "not JSON: the ChirpStack v3 binary protobuf marshaler is not supported "
            "(configure marshaler json_v3 or json)"
        )
    ev = c.validate(_Event, payload)
    dev_eui = c.hex_or_base64(ev.dev_eui, "devEUI", 8)
    if dev_eui is None:
        raise EnvelopeError("missing devEUI")
    if event == "up":
        return _uplink(ev, dev_eui, arrival_time)
    rx_time = c.earliest(c.utc(rx.time) for rx in ev.rx_info)
    time = c.require_time(c.first_time(rx_time, arrival_time), "v3 events carry none")
    if event == "status":
        return _status(ev, dev_eui, time)
    details: dict[str, Any]
    if event == "join":
        details = {"dev_addr": c.hex_or_base64(ev.dev_addr, "devAddr", 4)}
    elif event == "ack":
        details = {"acknowledged": ev.acknowledged, "f_cnt_down": ev.f_cnt}
    elif event == "txack":
        details = {"f_cnt_down": ev.f_cnt}
    elif event == "error":
        details = {"level": "ERROR", "code": ev.type, "description": ev.error, "f_cnt": ev.f_cnt}
        event = "log"
    elif event == "location":
        loc = ev.location or _Location()
        lat, lon, alt = c.location(loc.latitude, loc.longitude, loc.altitude)
        details = {"latitude": lat, "longitude": lon, "altitude": alt}
    else:  # integration
        details = {"integration_name": ev.integration_name, "event_type": ev.event_type}
    return NetworkEvent(SOURCE, event, dev_eui, time, details)


def _status(ev: _Event, dev_eui: str, time: datetime) -> DeviceStatus:
    external = ev.external_power_source
    level: float | None = None
    if ev.battery_level is not None:
        if not (external or ev.battery_level_unavailable):
            level = round(ev.battery_level, 2)
    elif ev.battery is not None:
        external = external or ev.battery == 0
        if 0 < ev.battery < 255:
            level = round(ev.battery / 254 * 100, 2)
    return DeviceStatus(SOURCE, dev_eui, time, level, float(ev.margin), external)


def _uplink(ev: _Event, dev_eui: str, arrival_time: datetime | None) -> Uplink:
    sf = bw = None
    tx = ev.tx_info or _TxInfo()
    if tx.lora_modulation_info is not None:
        sf = tx.lora_modulation_info.spreading_factor or None
        bw = tx.lora_modulation_info.bandwidth * 1000 or None
    # json_v3 has no modulation, but every v3 rxInfo with an SNR is LoRa
    lora = sf is not None or tx.lora_modulation_info is None
    receptions = []
    for rx in ev.rx_info:
        loc = rx.location or _Location()
        lat, lon, alt = c.location(loc.latitude, loc.longitude, loc.altitude)
        rssi, snr = c.rssi_snr(rx.rssi, rx.lora_snr, lora=lora)
        receptions.append(
            Reception(
                gateway_eui=c.hex_or_base64(rx.gateway_id, "rxInfo.gatewayID", 8),
                gateway_id=c.none_if_empty(rx.name),
                rssi=rssi,
                snr=snr,
                latitude=lat,
                longitude=lon,
                altitude=alt,
                time=c.utc(rx.time),
            )
        )
    received_at = c.first_time(c.earliest(r.time for r in receptions), arrival_time)
    decoded = ev.object_
    if decoded is None and ev.object_json:
        decoded = _object_json(ev.object_json)
    return Uplink(
        source=SOURCE,
        dev_eui=dev_eui,
        received_at=c.require_time(received_at, "rxInfo[].time"),
        payload=c.b64decode(ev.data, "data"),
        f_port=ev.f_port,
        f_cnt=ev.f_cnt,
        device_name=c.none_if_empty(ev.device_name),
        application_id=c.none_if_empty(str(ev.application_id)),
        dev_addr=c.hex_or_base64(ev.dev_addr, "devAddr", 4),
        confirmed=ev.confirmed_uplink,
        data_rate=c.lora_data_rate(sf, bw),
        spreading_factor=sf,
        bandwidth_hz=bw,
        frequency_hz=tx.frequency or None,
        decoded=decoded,
        receptions=c.merge_receptions(receptions),
    )


def _object_json(text: str) -> dict[str, Any]:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise EnvelopeError(f"objectJSON is not valid JSON: {text[:40]!r}") from None
    if not isinstance(value, dict):
        raise EnvelopeError("objectJSON must hold a JSON object")
    return value


# --- render ------------------------------------------------------------------------------


def render(uplink: Uplink) -> tuple[str, bytes]:
    """An uplink as the v3 Application Server prints it with the `json_v3` marshaler.

    json_v3 has no event time: the receive time survives only through `rxInfo[].time`.
    """
    application_id = uplink.application_id
    if application_id is None or not application_id.isdigit():
        application_id = DEFAULT_APPLICATION_ID
    body: dict[str, Any] = {
        "applicationID": application_id,
        "applicationName": "",
        "deviceName": uplink.device_name or "",
        "devEUI": uplink.dev_eui.lower(),
    }
    if uplink.dev_addr:
        body["devAddr"] = uplink.dev_addr.lower()
    body["rxInfo"] = [_render_rx(r) for r in uplink.receptions]
    tx: dict[str, Any] = {"frequency": uplink.frequency_hz or 0}
    dr = c.eu868_dr(uplink.spreading_factor, uplink.bandwidth_hz)
    if dr is not None:
        tx["dr"] = dr
    body["txInfo"] = tx
    body |= {
        "adr": False,
        "fCnt": uplink.f_cnt,
        "fPort": uplink.f_port,
        "data": c.b64encode(uplink.payload),
    }
    if uplink.decoded is not None:
        body["object"] = dict(uplink.decoded)
    body["tags"] = {}
    dev_eui = uplink.dev_eui.lower()
    return f"application/{application_id}/device/{dev_eui}/event/up", c.dumps(body)


def _render_rx(r: Reception) -> dict[str, Any]:
    rx: dict[str, Any] = {"gatewayID": (r.gateway_eui or "").lower()}
    if r.gateway_id:
        rx["name"] = r.gateway_id
    if r.time is not None:
        rx["time"] = c.format_time(r.time, zulu=True)
    rx["rssi"] = round(r.rssi or 0)
    rx["loRaSNR"] = r.snr or 0.0
    if r.latitude is not None:
        rx["location"] = {"latitude": r.latitude, "longitude": r.longitude, "altitude": r.altitude}
    return rx
