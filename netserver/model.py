"""Network-neutral shapes of what a network server tells us: uplinks, status, other events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

Source = Literal["ttn-v3", "chirpstack-v4", "chirpstack-v3"]
Format = Literal["ttn-v3", "chirpstack-v4-json", "chirpstack-v4-protobuf", "chirpstack-v3"]


class Reception(NamedTuple):
    """One gateway's view of an uplink.

    Uplink and Reception are NamedTuples rather than frozen dataclasses: one of each (or
    several receptions) is made for every message on the ingest path, and a frozen
    dataclass's __init__ (a `object.__setattr__` call per field) cost about 10 us per
    uplink, as much as decoding its JSON. Immutable all the same; `_replace` copies.
    """

    gateway_eui: str | None  # 16 upper-case hex digits, None when the server gives only an id
    gateway_id: str | None  # the network server's own gateway id (TTN ids are names)
    rssi: float | None = None
    snr: float | None = None
    latitude: float | None = None  # None when missing, empty or 0,0
    longitude: float | None = None
    altitude: float | None = None
    time: datetime | None = None  # gateway time, metadata only


class Uplink(NamedTuple):
    """One application uplink, whatever network server delivered it.

    `received_at` is the network server's receive time in UTC, truncated to whole
    microseconds (the rule for every source: it is part of the idempotency key).
    EUIs are 16 upper-case hex digits.
    """

    source: Source
    dev_eui: str
    received_at: datetime
    payload: bytes
    f_port: int = 0
    f_cnt: int = 0
    device_name: str | None = None
    application_id: str | None = None
    dev_addr: str | None = None
    confirmed: bool = False
    data_rate: str | None = None  # e.g. "SF7BW125"
    spreading_factor: int | None = None
    bandwidth_hz: int | None = None
    frequency_hz: int | None = None
    airtime_s: float | None = None
    decoded: Mapping[str, Any] | None = None  # the network server's own decoded object
    normalized: Any = None  # TTN `normalized_payload`: device-repository normalized measurements
    brand_id: str | None = None  # TTN version_ids.brand_id
    model_id: str | None = None  # TTN version_ids.model_id
    device_profile: str | None = None  # ChirpStack deviceProfileName
    dedup_id: str | None = None  # ChirpStack deduplicationId / TTN correlation id
    simulated: bool = False
    receptions: tuple[Reception, ...] = ()


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A device status report (ChirpStack `status`): battery and link margin."""

    source: Source
    dev_eui: str
    time: datetime
    battery_level: float | None = None  # percent; None when unknown or externally powered
    margin_db: float | None = None
    external_power: bool = False


@dataclass(frozen=True, slots=True)
class NetworkEvent:
    """Any other event worth recording: join, ack, txack, log, location, downlink events."""

    source: Source
    kind: str  # "join", "ack", "txack", "log", "location", "downlink_queued", ...
    dev_eui: str
    time: datetime
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A well-formed message we deliberately do not store; `reason` is counted."""

    source: Source
    reason: str
    dev_eui: str | None = None


Message = Uplink | DeviceStatus | NetworkEvent | Skipped
