"""Ingestor settings, read from the environment by the CLI (the only place that reads it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AnyHttpUrl, AnyUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_TOPICS = [
    "v3/+/devices/+/#",
    "application/+/device/+/event/+",
]


class IngestSettings(BaseSettings):
    """`SMARTREGION_*` environment variables, per DESIGN's contract."""

    model_config = SettingsConfigDict(env_prefix="SMARTREGION_", env_file=".env", extra="ignore")

    database_url: SecretStr
    mqtt_url: AnyUrl = AnyUrl("mqtt://127.0.0.1:1883")  # mqtt://user:pass@host:port, mqtts:// = TLS
    mqtt_topics: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_TOPICS)
    )
    mqtt_client_id: str = "smartregion-ingest"  # stable: the persistent session hangs on it
    mqtt_protocol: Literal["5", "3.1.1"] = "5"
    # unacknowledged messages the broker may send (MQTT 5); unset = room for every batch in
    # flight plus the one being collected, see `receive_maximum()`
    mqtt_receive_maximum: int | None = Field(None, ge=1, le=65535)
    mqtt_session_expiry_s: int = Field(7 * 24 * 3600, ge=0)
    mqtt_share_group: str | None = None  # "$share/<group>/<filter>" to scale out
    # Large batches cost the database less per uplink (fewer statements, and latest values
    # folded within a batch); at live rates the wait closes a batch long before it fills.
    batch_size: int = Field(5000, ge=1, le=20_000)
    batch_max_wait_s: float = Field(0.25, gt=0, le=60)
    default_organization: str = "community"  # owner of devices registered on first sight
    metrics_port: int | None = None  # Prometheus exporter; off when unset
    drain_timeout_s: float = Field(15.0, gt=0)
    ingest_workers: int = Field(1, ge=1, le=16)  # processes sharing one subscription
    batches_in_flight: int = Field(2, ge=1, le=8)  # transactions written concurrently
    device_cache_ttl_s: float = Field(60.0, ge=0)  # registry changes reach the ingestor within
    # TTN gap-fill through the Storage Integration (TTN's MQTT is QoS 0 without sessions)
    ttn_api_url: AnyHttpUrl | None = None  # e.g. https://eu1.cloud.thethings.network
    ttn_api_key: SecretStr | None = None
    ttn_applications: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ttn_gapfill_max_hours: float = Field(48.0, gt=0)

    @field_validator("mqtt_topics", "ttn_applications", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [t.strip() for t in value.split(",") if t.strip()]
        return value

    @field_validator("mqtt_url")
    @classmethod
    def _known_scheme(cls, value: AnyUrl) -> AnyUrl:
        if value.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError("SMARTREGION_MQTT_URL must start with mqtt:// or mqtts://")
        return value

    def gapfill_applications(self) -> list[str]:
        """TTN applications to gap-fill: configured, else those named in the topic filters."""
        if self.ttn_applications:
            return list(self.ttn_applications)
        apps = []
        for topic in self.mqtt_topics:
            parts = topic.split("/")
            if len(parts) > 1 and parts[0] == "v3" and parts[1] not in ("+", "#"):
                apps.append(parts[1])  # "app@tenant" is the id the API wants, minus the tenant
        return [a.split("@")[0] for a in dict.fromkeys(apps)]

    def receive_maximum(self) -> int:
        """How many unacknowledged messages the broker may send us.

        Acknowledgement waits for the commit, so with less room than the batches being
        written plus the one being collected the broker stops sending while a batch
        commits, and parsing stalls until the commit returns.
        """
        if self.mqtt_receive_maximum is not None:
            return self.mqtt_receive_maximum
        return min(65535, self.batch_size * (self.batches_in_flight + 1))

    def subscriptions(self) -> list[str]:
        if not self.mqtt_share_group:
            return list(self.mqtt_topics)
        return [f"$share/{self.mqtt_share_group}/{t}" for t in self.mqtt_topics]
