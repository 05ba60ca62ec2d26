"""Request and response models, split into create / update / public shapes; never storage rows."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, model_validator

EUI_SEPARATORS = re.compile(r"[-:\s]")
EUI = re.compile(r"^[0-9A-F]{16}$")
TYPE_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$"


def normalize_eui(value: str, name: str) -> str:
    """An EUI in any case, optionally with '-' or ':' separators -> 16 upper-case hex digits."""
    eui = EUI_SEPARATORS.sub("", value).upper()
    if not EUI.match(eui):
        raise ValueError(
            f"{name} must be 16 hexadecimal digits (e.g. A84041000181C061), got {value!r}"
        )
    return eui


def _dev_eui(value: str) -> str:
    return normalize_eui(value, "dev_eui")


def _gateway_eui(value: str) -> str:
    return normalize_eui(value, "eui")


DevEui = Annotated[str, AfterValidator(_dev_eui)]
GatewayEui = Annotated[str, AfterValidator(_gateway_eui)]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 degrees north")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 degrees east")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
TypeId = Annotated[
    str,
    Field(pattern=TYPE_ID_PATTERN, description='decoder type id "vendor/model" (see /v1/decoders)'),
]
Tags = dict[str, JsonValue]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Patch(_Input):
    _not_null: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _refuse_null(self) -> Self:
        for name in sorted(self.model_fields_set & self._not_null):
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self

    def changes(self) -> dict[str, Any]:
        """Only the fields the client sent."""
        return self.model_dump(exclude_unset=True)


# --- devices -----------------------------------------------------------------------------


class DeviceCreate(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "dev_eui": "a8-40-41-00-01-81-c0-61",
                    "name": "Soil probe field 7",
                    "type_id": "dragino/lse01",
                    "latitude": 51.4969,
                    "longitude": 11.9688,
                    "tags": {"field": "Schlag 7"},
                }
            ]
        },
    )

    dev_eui: DevEui
    name: Name | None = None
    type_id: TypeId | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    altitude: float | None = None
    open_data: bool = False
    tags: Tags = Field(default_factory=dict)
    organization: str | None = Field(
        None, description="owning organisation; platform admins only, default the caller's"
    )


class DeviceUpdate(_Patch):
    _not_null: ClassVar[frozenset[str]] = frozenset({"open_data", "tags", "organization"})

    name: Name | None = None
    type_id: TypeId | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    altitude: float | None = None
    open_data: bool | None = None
    tags: Tags | None = Field(None, description="replaces the whole tag object")
    organization: str | None = Field(None, description="move to another organisation; admins only")


class DevicePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dev_eui": "A84041000181C061",
                    "name": "Soil probe field 7",
                    "type_id": "dragino/lse01",
                    "organization": "agrar-gmbh-muster",
                    "latitude": 51.4969,
                    "longitude": 11.9688,
                    "altitude": 92.0,
                    "open_data": False,
                    "tags": {"field": "Schlag 7", "crop": "maize"},
                    "battery_level": 87.0,
                    "last_seen_at": "2025-05-14T06:00:00Z",
                }
            ]
        }
    )

    dev_eui: str
    name: str | None
    type_id: str | None
    organization: str
    latitude: float | None
    longitude: float | None
    altitude: float | None
    open_data: bool
    tags: dict[str, Any]
    battery_level: float | None
    last_seen_at: datetime | None


class LatestReading(BaseModel):
    quantity: str
    value: float
    unit: str
    time: datetime
    channel: int
    flagged: bool


class DeviceLatest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dev_eui": "A84041000181C061",
                    "time": "2025-05-14T06:00:00Z",
                    "fields": {"TempC_SHT": 21.4, "Hum_SHT": 55.2, "BatV": 3.05},
                    "readings": [
                        {
                            "quantity": "air_temperature",
                            "value": 21.4,
                            "unit": "Cel",
                            "time": "2025-05-14T06:00:00Z",
                            "channel": 0,
                            "flagged": False,
                        }
                    ],
                }
            ]
        }
    )

    dev_eui: str
    time: datetime | None
    fields: dict[str, Any]
    readings: list[LatestReading]


class SeriesReading(BaseModel):
    quantity: str
    channel: int
    time: datetime
    value: float
    unit: str
    flagged: bool = False


class DeviceReadings(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "dev_eui": "A84041000181C061",
                    "bucket": "hour",
                    "agg": "avg",
                    "from": "2025-05-13T00:00:00Z",
                    "to": "2025-05-14T00:00:00Z",
                    "truncated": False,
                    "readings": [
                        {
                            "quantity": "air_temperature",
                            "channel": 0,
                            "time": "2025-05-13T00:00:00Z",
                            "value": 11.2,
                            "unit": "Cel",
                            "flagged": False,
                        }
                    ],
                }
            ]
        },
    )

    dev_eui: str
    bucket: str
    agg: str | None
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    truncated: bool = Field(description="true when `limit` cut the series short")
    readings: list[SeriesReading]


# --- gateways ----------------------------------------------------------------------------


class GatewayCreate(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "eui": "B827EBFFFE6A1C2D",
                    "name": "Rooftop Giebichenstein",
                    "latitude": 51.5003,
                    "longitude": 11.9551,
                    "altitude": 110.0,
                    "antenna_height_m": 18.0,
                    "antenna_gain_dbi": 3.0,
                    "public": True,
                }
            ]
        },
    )

    eui: GatewayEui
    name: Name | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    altitude: float | None = None
    antenna_height_m: Annotated[float, Field(ge=0, le=1000)] | None = None
    antenna_gain_dbi: Annotated[float, Field(ge=-10, le=30)] | None = None
    public: bool = False
    organization: str | None = Field(
        None, description="owning organisation; platform admins only, default the caller's"
    )


class GatewayUpdate(_Patch):
    _not_null: ClassVar[frozenset[str]] = frozenset({"public", "organization"})

    name: Name | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    altitude: float | None = None
    antenna_height_m: Annotated[float, Field(ge=0, le=1000)] | None = None
    antenna_gain_dbi: Annotated[float, Field(ge=-10, le=30)] | None = None
    public: bool | None = None
    organization: str | None = Field(None, description="move to another organisation; admins only")


class GatewayPublic(BaseModel):
    eui: str | None
    network_id: str | None
    name: str | None
    organization: str | None
    latitude: float | None
    longitude: float | None
    altitude: float | None
    antenna_height_m: float | None
    antenna_gain_dbi: float | None
    public: bool
    last_seen_at: datetime | None


class HistogramBin(BaseModel):
    low: float = Field(description="inclusive lower edge")
    high: float = Field(description="exclusive upper edge")
    count: int


class GatewayStats(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "eui": "B827EBFFFE6A1C2D",
                    "uplinks_24h": 1320,
                    "uplinks_7d": 9011,
                    "devices_24h": 41,
                    "devices_7d": 57,
                    "rssi_avg": -104.2,
                    "rssi_min": -126.0,
                    "rssi_max": -61.0,
                    "snr_avg": 3.1,
                    "snr_min": -17.5,
                    "snr_max": 11.0,
                    "last_heard_at": "2025-05-14T06:00:00Z",
                    "last_seen_at": "2025-05-14T06:00:05Z",
                    "online": True,
                    "rssi_p10": -119.0,
                    "rssi_p50": -105.0,
                    "rssi_p90": -88.0,
                    "snr_p10": -9.5,
                    "snr_p50": 4.0,
                    "snr_p90": 9.0,
                    "rssi_histogram": [{"low": -110.0, "high": -100.0, "count": 4211}],
                    "snr_histogram": [{"low": 2.5, "high": 5.0, "count": 2380}],
                }
            ]
        }
    )

    eui: str
    uplinks_24h: int
    uplinks_7d: int
    devices_24h: int = Field(description="distinct devices heard; counts only, never which")
    devices_7d: int
    rssi_avg: float | None
    rssi_min: float | None
    rssi_max: float | None
    snr_avg: float | None
    snr_min: float | None
    snr_max: float | None
    last_heard_at: datetime | None
    last_seen_at: datetime | None
    online: bool = Field(description="heard from or seen within the online window")
    rssi_p10: float | None = None
    rssi_p50: float | None = None
    rssi_p90: float | None = None
    snr_p10: float | None = None
    snr_p50: float | None = None
    snr_p90: float | None = None
    rssi_histogram: list[HistogramBin] = Field(description="receptions per 10 dB of RSSI")
    snr_histogram: list[HistogramBin] = Field(description="receptions per 2.5 dB of SNR")


# --- GeoJSON (RFC 7946) ------------------------------------------------------------------


class Point(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude] (RFC 7946 order)")


class MapProperties(BaseModel):
    dev_eui: str
    name: str | None
    quantity: str
    channel: int
    value: float
    unit: str
    time: datetime
    flagged: bool


class MapFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Point
    properties: MapProperties


class MapCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[MapFeature]


class CoverageProperties(BaseModel):
    kind: Literal["gateway"] = "gateway"
    eui: str | None
    network_id: str | None
    name: str | None
    public: bool
    altitude: float | None
    antenna_height_m: float | None
    last_seen_at: datetime | None
    uplinks_7d: int
    devices_7d: int
    rssi_avg: float | None
    snr_avg: float | None


class CoverageFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: Point
    properties: CoverageProperties


class Polygon(BaseModel):
    type: Literal["Polygon"] = "Polygon"
    coordinates: list[list[list[float]]] = Field(
        description="one closed ring of [longitude, latitude]"
    )


class CellProperties(BaseModel):
    kind: Literal["cell"] = "cell"
    h3: str = Field(description="H3 cell index")
    resolution: int
    best_rssi: float | None = Field(description="strongest RSSI heard from this cell, dBm")
    best_snr: float | None
    receptions: int
    gateways: int = Field(description="distinct gateways that heard devices in this cell")
    devices: int


class CellFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Polygon
    properties: CellProperties


class CoverageCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[CellFeature | CoverageFeature]


# --- decoders ----------------------------------------------------------------------------


class DecoderPublic(BaseModel):
    id: str
    vendor: str
    model: str
    category: str
    f_ports: list[int]
    quantities: list[str]
    source: str | None = None


# --- devices: lists, health, aggregates ----------------------------------------------------


class DeviceLatestItem(BaseModel):
    dev_eui: str
    name: str | None
    readings: list[LatestReading]


class RadioDayPublic(BaseModel):
    day: datetime
    uplinks: int
    rssi_avg: float | None
    rssi_max: float | None
    snr_avg: float | None
    snr_max: float | None


class DeviceHealth(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dev_eui": "A84041000181C061",
                    "last_seen_at": "2025-05-14T06:00:00Z",
                    "battery_level": 87.0,
                    "battery_level_at": "2025-05-14T06:00:00Z",
                    "uplinks_24h": 72,
                    "uplinks_7d": 500,
                    "expected_interval_s": 1200.0,
                    "stale": False,
                    "stale_after_s": 3600.0,
                    "rssi_trend_db_per_day": -0.4,
                    "snr_trend_db_per_day": -0.1,
                    "radio_days": [
                        {
                            "day": "2025-05-13T00:00:00Z",
                            "uplinks": 72,
                            "rssi_avg": -103.5,
                            "rssi_max": -97.0,
                            "snr_avg": 4.2,
                            "snr_max": 8.5,
                        }
                    ],
                }
            ]
        }
    )

    dev_eui: str
    last_seen_at: datetime | None
    battery_level: float | None = Field(
        description="percent: the newest battery_level reading, else the network server's"
    )
    battery_level_at: datetime | None
    uplinks_24h: int
    uplinks_7d: int
    expected_interval_s: float | None = Field(description="mean gap between uplinks (7 days)")
    stale: bool = Field(description="silent for longer than stale_after_s")
    stale_after_s: float = Field(description="3 expected intervals (at least 15 min), else 24 h")
    rssi_trend_db_per_day: float | None = Field(description="least-squares slope, 7 days")
    snr_trend_db_per_day: float | None
    radio_days: list[RadioDayPublic] = Field(description="per day: best reception per uplink")


class AggregateReading(BaseModel):
    quantity: str
    unit: str
    time: datetime = Field(description="start of the bucket")
    value: float | None
    samples: int = Field(description="readings that went into the value")
    devices: int = Field(description="devices that contributed")


class RegionAggregate(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "bucket": "day",
                    "agg": "avg",
                    "from": "2025-02-13T00:00:00Z",
                    "to": "2025-05-14T00:00:00Z",
                    "devices": 100,
                    "truncated": False,
                    "readings": [
                        {
                            "quantity": "air_temperature",
                            "unit": "Cel",
                            "time": "2025-02-13T00:00:00Z",
                            "value": 3.4,
                            "samples": 4000,
                            "devices": 100,
                        }
                    ],
                }
            ]
        },
    )

    bucket: Literal["hour", "day"]
    agg: str
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    devices: int = Field(description="most devices contributing to one bucket")
    truncated: bool
    readings: list[AggregateReading]


# --- API keys ----------------------------------------------------------------------------


class KeyCreate(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "member", "name": "grafana dashboard"}]},
    )

    role: Literal["admin", "org_admin", "member"] = "member"
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    organization: str | None = Field(None, description="platform admins only; default yours")


class KeyPublic(BaseModel):
    id: int
    organization: str
    role: str
    prefix: str = Field(description="the key's first characters, to recognise it")
    name: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyPublic):
    key: str = Field(description="the API key; shown this once, stored only as a hash")
