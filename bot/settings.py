"""Settings of the gateway process."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from permits import clock
from permits.settings import DEFAULT_DATABASE_URL

DEV_RASA_TOKEN = "dev-rasa-token"
DEV_API_TOKEN = "dev-api-token"
DEV_STATUS_TOKEN = "dev-status-token"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANYA_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    # One Rasa, or several comma-separated (replicas sharing the tracker and lock stores).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEV_RASA_TOKEN
    rasa_timeout_seconds: float = 30.0
    rasa_retry_seconds: float = 8.0  # total time spent retrying an unreachable Rasa
    # Bearer token of POST /api/messages (chat partners' systems).
    api_token: str = DEV_API_TOKEN
    # Bearer token of POST /api/applications/{number}/status (the office's back office
    # only): changes statuses and sends official notifications.
    status_token: str = DEV_STATUS_TOKEN
    database_url: str = DEFAULT_DATABASE_URL
    # Empty: one gateway process keeps locks, the flood limit and live events in memory.
    # Set (redis://host:6379/0) when several gateway replicas serve behind a load balancer.
    redis_url: str = ""
    max_message_chars: int = 2000
    call_centre: str = "1500164"
    # The address the outside world reaches the gateway at (webhook signatures are
    # computed over it; behind a proxy the request's own URL differs).
    public_url: str = "http://127.0.0.1:8080"

    # When call-centre agents are on duty; the action server reads the same variables.
    office_hours: str = "Mon-Thu 08:00-15:00; Fri 08:00-11:00"
    office_timezone: str = clock.DEFAULT_ZONE  # also the zone of every time the console shows

    # Where trained models live (models/versions/ holds the administrators' models) and
    # where training data is built. Relative paths are relative to the working directory.
    models_dir: str = "models"
    training_dir: str = "var/training"
    # This process runs the administrators' trainings (needs the engine environment).
    # With replicas only one does; the others leave its trainings alone on restart.
    trainer: bool = True

    # Console logins (bot/console/throttle.py): failed attempts allowed per client address
    # and per submitted username, in lengthening moving windows (`limits` notation); how
    # many logins may wait for a password check at once; and how many reverse proxies in
    # front append to X-Forwarded-For (0: the client is the TCP peer).
    login_limit_per_address: str = "20 per 5 minutes; 60 per hour; 200 per day"
    login_limit_per_username: str = "5 per 5 minutes; 10 per hour; 30 per day"
    login_max_pending: int = 8
    trusted_proxy_hops: int = 0
    # How often each replica re-checks that its console websockets' sessions are live.
    console_session_check_seconds: float = 30.0

    # Per-conversation flood limit, in the `limits` notation ("12/minute").
    conversation_rate_limit: str = "12/minute"
    # The web chat per client address: new websocket connections, and messages over all
    # its conversations (a new connection starts a new conversation, so the limit per
    # conversation alone is reset by reconnecting). Over them nothing is stored.
    web_connection_limit_per_address: str = "30/minute"
    web_message_limit_per_address: str = "60/minute"
    # How often unanswered messages (Rasa was down) and due deliveries are retried.
    recovery_interval_seconds: float = 5.0
    delivery_poll_seconds: float = 2.0
    delivery_lease_seconds: float = 60.0

    # Telegram: "off", "webhook" (production) or "polling" (a developer's laptop).
    telegram_mode: Literal["off", "webhook", "polling"] = "off"
    telegram_token: str = ""
    telegram_secret_token: str = ""  # echoed by Telegram in X-Telegram-Bot-Api-Secret-Token
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_set_webhook: bool = True  # register {public_url}/telegram/webhook on start

    # WhatsApp through Twilio.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_whatsapp_from: str = ""  # e.g. "whatsapp:+14155238886"
    twilio_api_url: str = "https://api.twilio.com"
    # Approved template (ContentSid) for notifications outside WhatsApp's 24-hour window;
    # variables {{1}} number, {{2}} status, {{3}} stage.
    twilio_notification_content_sid: str = ""

    @property
    def rasa_urls(self) -> list[str]:
        return [url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip()]

    @property
    def office_zone(self) -> ZoneInfo:
        return clock.office_zone(self.office_timezone)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @model_validator(mode="after")
    def _channels_have_their_secrets(self) -> GatewaySettings:
        if self.telegram_mode != "off" and not self.telegram_token:
            raise ValueError("TANYA_TELEGRAM_TOKEN is required when Telegram is on")
        if self.telegram_mode == "webhook" and not self.telegram_secret_token:
            raise ValueError("TANYA_TELEGRAM_SECRET_TOKEN is required for the Telegram webhook")
        if self.twilio_account_sid and not self.twilio_whatsapp_from:
            raise ValueError("TANYA_TWILIO_WHATSAPP_FROM is required for WhatsApp")
        return self

    @model_validator(mode="after")
    def _no_default_secrets_in_production(self) -> GatewaySettings:
        if self.env == "production":
            defaults = {
                "TANYA_RASA_TOKEN": (self.rasa_token, DEV_RASA_TOKEN),
                "TANYA_API_TOKEN": (self.api_token, DEV_API_TOKEN),
                "TANYA_STATUS_TOKEN": (self.status_token, DEV_STATUS_TOKEN),
            }
            weak = [
                name for name, (value, dev) in defaults.items() if value == dev or len(value) < 16
            ]
            if self.status_token == self.api_token:
                weak.append("TANYA_STATUS_TOKEN (must differ from TANYA_API_TOKEN)")
            if self.telegram_mode == "webhook" and len(self.telegram_secret_token) < 16:
                weak.append("TANYA_TELEGRAM_SECRET_TOKEN")
            if weak:
                raise ValueError(f"set strong secrets for production: {', '.join(weak)}")
        return self
