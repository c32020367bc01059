"""Settings from the environment (and an optional .env file); see .env.example.

`make run` works with none of them set: the defaults are development values. The
production profile refuses to start with a development secret."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.dev_defaults import DEV_GATEWAY_SECRET


class InsecureSettings(RuntimeError):
    """A production profile with development values."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    profile: Literal["development", "production"] = "development"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    # The gateway's public base URL (behind a reverse proxy: the URL Twilio calls).
    public_url: str = "http://127.0.0.1:8000"
    database_url: str = "sqlite:///var/gateway.db"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 10.0
    # The directory finds only services confirmed (HSDS assured_date) this recently.
    directory_assured_within_months: int = 12
    # Signs pseudonymous sender ids and authenticates the action server on /internal.
    gateway_secret: SecretStr = SecretStr(DEV_GATEWAY_SECRET)

    def check(self) -> Settings:
        if self.profile == "production":
            if self.gateway_secret.get_secret_value() == DEV_GATEWAY_SECRET:
                raise InsecureSettings("GATEWAY_SECRET must be set in production")
            if self.database_url.startswith("sqlite"):
                raise InsecureSettings("production needs DATABASE_URL on PostgreSQL")
        return self


@cache
def get_settings() -> Settings:
    return Settings().check()
