"""The writer's input types: plain rows, so storage never needs to know envelope formats.

The rows made for every uplink (uplink, readings, receptions, device sightings) are
NamedTuples: on the ingest path a frozen dataclass's __init__ cost several times as much.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


class DeviceSighting(NamedTuple):
    """A device seen in a batch; registers it on first sight."""

    dev_eui: str
    seen_at: datetime
    name: str | None = None
    source: str | None = None
    application_id: str | None = None
    type_hint: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceRef:
    id: int
    dev_eui: str
    type_id: str | None
    ns_type_hint: str | None


class ReadingRow(NamedTuple):
    quantity: str
    value: float
    time: datetime
    channel: int = 0
    flagged: bool = False


class ReceptionRow(NamedTuple):
    gateway_eui: str | None
    gateway_network_id: str | None
    rssi: float | None = None
    snr: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None


class UplinkRow(NamedTuple):
    dev_eui: str
    received_at: datetime
    f_cnt: int
    f_port: int
    payload: bytes
    source: str
    type_id: str | None = None
    fields: Mapping[str, Any] | None = None
    decode_errors: tuple[str, ...] = ()
    decode_warnings: tuple[str, ...] = ()
    ns_decoded: Mapping[str, Any] | None = None
    frequency_hz: int | None = None
    data_rate: str | None = None
    spreading_factor: int | None = None
    airtime_s: float | None = None
    readings: tuple[ReadingRow, ...] = ()
    receptions: tuple[ReceptionRow, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusRow:
    dev_eui: str
    time: datetime
    battery_level: float | None
    margin_db: float | None
    external_power: bool


@dataclass(frozen=True, slots=True)
class EventRow:
    dev_eui: str
    time: datetime
    kind: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeadLetterRow:
    topic: str
    payload: bytes
    reason: str
    source: str | None = None
    received_at: datetime | None = None


@dataclass(slots=True)
class Batch:
    """Everything one transaction writes."""

    uplinks: list[UplinkRow] = field(default_factory=list)
    statuses: list[StatusRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    dead_letters: list[DeadLetterRow] = field(default_factory=list)


GatewayKey = tuple[str | None, str | None]
"""A gateway as the network server names it: (EUI, network server id)."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    uplinks_new: int
    uplinks_duplicate: int
    readings: int
    receptions: int
    dead_letters: int
    gateways: Mapping[GatewayKey, int] = field(default_factory=dict)  # newly resolved ids
