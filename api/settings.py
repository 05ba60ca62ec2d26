"""API settings: `SMARTREGION_*` variables, read by the CLI and passed to `create_app`."""

from __future__ import annotations

from pydantic import AnyHttpUrl, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """What the HTTP service needs; nothing here is read at import time."""

    model_config = SettingsConfigDict(env_prefix="SMARTREGION_", env_file=".env", extra="ignore")

    database_url: SecretStr
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)  # SMARTREGION_API_PORT
    public_base_url: AnyHttpUrl | None = None  # for absolute links behind a proxy
    api_pool_min_size: int = Field(default=1, ge=0)
    api_pool_max_size: int = Field(default=10, ge=1)
    api_key_touch_interval_s: float = Field(
        default=300.0, ge=0
    )  # how often last_used_at is written
    # Requests per key (or per client address for the public), `limits` notation; "" = off.
    api_rate_limit: str = "600/minute"
    api_public_rate_limit: str = "120/minute"
    # Comma-separated origins browsers may call from; "*" (the default) for open data.
    cors_allow_origins: str = "*"
    api_access_log: bool = True
    # How often the API refreshes the rollup stores (Apache edition); 0 = never.
    rollup_refresh_interval_s: float = Field(default=60.0, ge=0)
    gateway_online_after_s: float = Field(default=900.0, gt=0)

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip() for o in self.cors_allow_origins.split(",") if o.strip()]
