"""Settings of the action server process."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from permits import clock
from permits.settings import DEFAULT_DATABASE_URL

DEV_ACTIONS_TOKEN = "dev-actions-token"


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANYA_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    # Localhost unless told otherwise (the Kubernetes manifests bind 0.0.0.0 behind a
    # NetworkPolicy that lets only Rasa in).
    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    # Shared with Rasa (endpoints.yml action_endpoint headers): only Rasa may call us.
    actions_token: str = DEV_ACTIONS_TOKEN
    call_centre: str = "1500164"
    # Where integrity reports (pungli, bribes, brokers) go, as the bot tells a reporter:
    # the office's inspectorate or Saber Pungli unit. The default names the bodies
    # every region has and the national SP4N-LAPOR! site; an office sets its own
    # contacts (phone or WhatsApp number, address).
    integrity_contact: str = (
        "Inspektorat Daerah / UPP Saber Pungli setempat, atau SP4N-LAPOR! (www.lapor.go.id)"
    )
    db_timeout_seconds: float = 5.0
    # Failed application-number look-ups per hour from all conversations together
    # (permits.status.FAILED_LOOKUP_BUDGET explains it).
    failed_lookup_budget: int = 300
    # When call-centre agents are on duty (permits/office_hours.py explains the format).
    office_hours: str = "Mon-Thu 08:00-15:00; Fri 08:00-11:00"
    office_timezone: str = clock.DEFAULT_ZONE  # also the zone of dates in answers

    @property
    def office_zone(self) -> ZoneInfo:
        return clock.office_zone(self.office_timezone)

    @model_validator(mode="after")
    def _no_default_token_in_production(self) -> ActionSettings:
        if self.env == "production" and (
            self.actions_token == DEV_ACTIONS_TOKEN or len(self.actions_token) < 16
        ):
            raise ValueError("set a strong secret for production: TANYA_ACTIONS_TOKEN")
        return self
