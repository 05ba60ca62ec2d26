"""A fast reader for the one message that dominates traffic: a TTN v3 `up` event.

msgspec decodes only the fields an uplink needs into typed structs shaped like the
pydantic models of `netserver.ttn`, so `ttn._uplink` maps both the same way. Times are
kept as text and parsed by `datetime.fromisoformat`, which truncates nanoseconds as the
pydantic path does (msgspec's own datetime parser rounds, which would break the
idempotency key). Anything this reader does not accept (a validation error, an
unexpected shape) falls back to the full pydantic parser, which also writes the
dead-letter reason; tests check both paths give equal results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value)


class _ApplicationIds(msgspec.Struct):
    application_id: str = ""


class _EndDeviceIds(msgspec.Struct):
    device_id: str = ""
    application_ids: _ApplicationIds = msgspec.field(default_factory=_ApplicationIds)
    dev_eui: str | None = None
    join_eui: str | None = None
    dev_addr: str | None = None


class _GatewayIds(msgspec.Struct):
    gateway_id: str | None = None
    eui: str | None = None


class _Location(msgspec.Struct):
    latitude: float = 0.0
    longitude: float = 0.0
    altitude: float = 0.0


class _PacketBroker(msgspec.Struct):
    forwarder_net_id: str | None = None
    forwarder_gateway_eui: str | None = None
    forwarder_gateway_id: str | None = None


class _RxMetadata(msgspec.Struct):
    gateway_ids: _GatewayIds = msgspec.field(default_factory=_GatewayIds)
    time: Any = None
    received_at: Any = None
    rssi: float | None = None
    channel_rssi: float | None = None
    snr: float | None = None
    location: _Location | None = None
    packet_broker: _PacketBroker | None = None

    def __post_init__(self) -> None:
        self.time = _time(self.time)
        self.received_at = _time(self.received_at)


class _Lora(msgspec.Struct):
    bandwidth: int = 0
    spreading_factor: int = 0


class _Fsk(msgspec.Struct):
    bit_rate: int = 0


class _DataRate(msgspec.Struct):
    lora: _Lora | None = None
    fsk: _Fsk | None = None


class _Settings(msgspec.Struct):
    data_rate: _DataRate | None = None
    frequency: Annotated[int, msgspec.Meta(ge=0)] = 0
    time: Any = None

    def __post_init__(self) -> None:
        self.time = _time(self.time)


class _VersionIds(msgspec.Struct):
    brand_id: str | None = None
    model_id: str | None = None


class _UplinkMessage(msgspec.Struct):
    f_port: Annotated[int, msgspec.Meta(ge=0, le=255)] = 0
    f_cnt: Annotated[int, msgspec.Meta(ge=0, le=0xFFFFFFFF)] = 0
    frm_payload: str = ""
    decoded_payload: dict[str, Any] | None = None
    normalized_payload: list[dict[str, Any]] | dict[str, Any] | None = None
    rx_metadata: list[_RxMetadata] = msgspec.field(default_factory=list)
    settings: _Settings | None = None
    received_at: Any = None
    consumed_airtime: str | None = None
    confirmed: bool = False
    version_ids: _VersionIds | None = None

    def __post_init__(self) -> None:
        self.received_at = _time(self.received_at)


class ApplicationUp(msgspec.Struct):
    end_device_ids: _EndDeviceIds | None = None
    correlation_ids: list[str] = msgspec.field(default_factory=list)
    received_at: Any = None
    simulated: bool = False
    uplink_message: _UplinkMessage | None = None

    def __post_init__(self) -> None:
        self.received_at = _time(self.received_at)


_DECODER = msgspec.json.Decoder(ApplicationUp, strict=False)  # TTN prints 64-bit ints as text


def decode_uplink(payload: bytes) -> ApplicationUp | None:
    """The uplink event, or None when the full parser must look at this message."""
    try:
        up = _DECODER.decode(payload)
    except (msgspec.DecodeError, ValueError):
        return None
    if up.uplink_message is None or up.end_device_ids is None:
        return None
    return up
