"""Settings of the action server process."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from permits.settings import DEFAULT_DATABASE_URL


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANYA_", env_file=".env", extra="ignore")

    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    call_centre: str = "1500164"
    db_timeout_seconds: float = 5.0
    # When call-centre agents are on duty (permits/office_hours.py explains the format).
    office_hours: str = "Mon-Thu 08:00-15:00; Fri 08:00-11:00"
    office_timezone: str = "Asia/Jakarta"
