"""Settings of the gateway process."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from permits.settings import DEFAULT_DATABASE_URL

DEV_RASA_TOKEN = "dev-rasa-token"
DEV_API_TOKEN = "dev-api-token"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANYA_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEV_RASA_TOKEN
    rasa_timeout_seconds: float = 30.0
    rasa_retry_seconds: float = 8.0  # total time spent retrying an unreachable Rasa
    api_token: str = DEV_API_TOKEN
    database_url: str = DEFAULT_DATABASE_URL
    max_message_chars: int = 2000
    call_centre: str = "1500164"

    @model_validator(mode="after")
    def _no_default_secrets_in_production(self) -> GatewaySettings:
        if self.env == "production":
            defaults = {
                "TANYA_RASA_TOKEN": (self.rasa_token, DEV_RASA_TOKEN),
                "TANYA_API_TOKEN": (self.api_token, DEV_API_TOKEN),
            }
            weak = [
                name for name, (value, dev) in defaults.items() if value == dev or len(value) < 16
            ]
            if weak:
                raise ValueError(f"set strong secrets for production: {', '.join(weak)}")
        return self
