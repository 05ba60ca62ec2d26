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
    model_config = ConfigDict(populate_by_name=True)

    dev_eui: str
    bucket: str
    agg: str | None
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    truncated: bool = Field(description="true when `limit` cut the series short")
    readings: list[SeriesReading]


# --- gateways ----------------------------------------------------------------------------


class GatewayCreate(_Input):
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


class GatewayStats(BaseModel):
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


class CoverageCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[CoverageFeature]


# --- decoders ----------------------------------------------------------------------------


class DecoderPublic(BaseModel):
    id: str
    vendor: str
    model: str
    category: str
    f_ports: list[int]
    quantities: list[str]
    source: str | None = None
