"""Settings from the environment (and an optional .env file); see .env.example.

`make run` works with none of them set: the defaults are development values. The
production profile refuses to start with a development secret."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.dev_defaults import (
    DEV_ACTION_SERVER_TOKEN,
    DEV_CONSOLE_SECRET,
    DEV_INTERNAL_API_TOKEN,
    DEV_PSEUDONYM_KEY,
    DEV_RASA_TOKEN,
    DEV_TELEGRAM_API_URL,
    DEV_TELEGRAM_BOT_TOKEN,
    DEV_TELEGRAM_SECRET_TOKEN,
    DEV_TWILIO_API_URL,
    DEV_TWILIO_AUTH_TOKEN,
)
from bot.secret_strength import weakness

DEVELOPMENT_SECRETS = (
    DEV_ACTION_SERVER_TOKEN,
    DEV_CONSOLE_SECRET,
    DEV_INTERNAL_API_TOKEN,
    DEV_PSEUDONYM_KEY,
    DEV_RASA_TOKEN,
    DEV_TELEGRAM_BOT_TOKEN,
    DEV_TELEGRAM_SECRET_TOKEN,
    DEV_TWILIO_AUTH_TOKEN,
)

SAMPLE_COMPANIES = Path(__file__).resolve().parents[2] / "data" / "housing_companies.yml"


class InsecureSettings(RuntimeError):
    """A production profile with development values."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    profile: Literal["development", "production"] = "development"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    # The private listener: /internal/* (the action server's API) and /metrics answer only
    # here, never on the public port (bot/core/listeners.py). Loopback, or the internal
    # network of a deployment.
    internal_host: str = "127.0.0.1"
    internal_port: int = 8001
    # Worker processes. More than one needs PostgreSQL and RATE_LIMIT_STORAGE on Redis.
    gateway_workers: int = 1
    # The gateway's own log lines (bot.*; not LOG_LEVEL, which Rasa reads too). INFO adds a
    # line per turn and handoff, by pseudonym; WARNING keeps the cost of a turn down.
    gateway_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    # The gateway's public base URL (behind a reverse proxy: the URL Twilio calls).
    public_url: str = "http://127.0.0.1:8000"
    database_url: str = "sqlite:///var/gateway.db"
    # The schema owner's URL, for `python -m bot.gateway migrate` only: in production the
    # gateway runs as a role that may change rows, never tables (deploy/postgres-init.sh).
    # Empty: DATABASE_URL migrates (development).
    migration_database_url: str = ""
    # One Rasa server, or several replicas comma-separated: each conversation is routed to
    # one of them by a consistent hash of its sender id (bot/core/rasa_client.py).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 10.0
    # Rasa's HTTP API token (`rasa run --auth-token`): the tracker reads need it.
    rasa_token: SecretStr = SecretStr(DEV_RASA_TOKEN)
    # The directory finds only services confirmed (HSDS assured_date) this recently.
    directory_assured_within_months: int = 12
    # For tests and demos of the SAMPLE directory only (its dates are fixed): the moment
    # directory searches and reminder requests are computed at, e.g. 2026-11-26T12:00+01:00.
    # Unset: now. Never set it in production (the gateway logs a warning when it is set).
    directory_clock: datetime | None = None
    # The key of the pseudonymous sender ids (HMAC): the gateway's alone. Contacts keep the
    # pseudonym they were given, so a new key changes only new contacts' ids.
    pseudonym_key: SecretStr = SecretStr(DEV_PSEUDONYM_KEY)
    # The action server's bearer token on /internal (a different secret: whoever holds the
    # action server's environment must not be able to compute pseudonyms).
    internal_api_token: SecretStr = SecretStr(DEV_INTERNAL_API_TOKEN)
    # SMS over Twilio. Without credentials `make run` still accepts webhooks signed with the
    # development token (as `make chat` sends them); sending later replies then fails, logged.
    twilio_account_sid: str = "AC" + "0" * 32
    twilio_auth_token: SecretStr = SecretStr(DEV_TWILIO_AUTH_TOKEN)
    twilio_number: str = "+32460000000"
    # Empty: api.twilio.com, or, with the development token, the loopback Twilio that
    # `make chat` runs (so late replies show up there). Tests set their own loopback.
    twilio_api_url: str = ""
    # WhatsApp through Twilio: the sender tenants write to, as Twilio gives it. Outside
    # WhatsApp's 24-hour window only approved templates may go out (Twilio Content API
    # ContentSid, "HX..."), per language: a reminder (variables 1 activity, 2 day and hours,
    # 3 place) and "a message from your housing company is waiting, answer to read it" (no
    # variable). Unset: outside the window nothing goes and the console says why; a
    # caseworker's reply waits until the tenant writes (bot/outbox/whatsapp_window.py).
    twilio_whatsapp_number: str = "whatsapp:+32460000000"
    whatsapp_template_reminder_fr: str = ""
    whatsapp_template_reminder_nl: str = ""
    whatsapp_template_waiting_fr: str = ""
    whatsapp_template_waiting_nl: str = ""
    # The phone line (bot/channels/voice.py): Twilio Voice. Voices and recognisers per
    # language (README, "Phone line"): Amazon Polly's Belgian neural voices, and Twilio's
    # recognisers (nl-BE; no fr-BE is offered, so fr-FR). Below `voice_min_confidence` a
    # recognised sentence is asked again rather than acted on.
    voice_say_fr: str = "Polly.Isabelle-Neural"
    voice_say_nl: str = "Polly.Lisa-Neural"
    voice_say_language_fr: str = "fr-BE"
    voice_say_language_nl: str = "nl-BE"
    voice_listen_fr: str = "fr-FR"
    voice_listen_nl: str = "nl-BE"
    voice_min_confidence: float = 0.4
    # Answer in the webhook's response when Rasa replies within this time (Twilio waits 15 s);
    # later replies go out through the outbox.
    sms_reply_deadline_seconds: float = 8.0
    # A turn that outlived its webhook is run again by another worker when its own has not
    # committed it within this time (it died); keep it above a slow turn's length (three
    # Rasa calls at most): a turn run twice costs a replayed Rasa call, never a second reply.
    late_turn_lease_seconds: float = 180.0
    # An outbox message claimed by a worker that died is sent by another after this time.
    outbox_lease_seconds: float = 120.0
    # Telegram (python-telegram-bot); the secret token authenticates Telegram's webhook calls.
    telegram_bot_token: SecretStr = SecretStr(DEV_TELEGRAM_BOT_TOKEN)
    telegram_secret_token: SecretStr = SecretStr(DEV_TELEGRAM_SECRET_TOKEN)
    telegram_api_url: str = ""  # empty: api.telegram.org, or `make chat`'s loopback in dev
    # Rasa's SQL tracker store, so that erasure also deletes the conversation's events
    # (Rasa's HTTP API cannot delete a tracker). The same store as endpoints.yml.
    rasa_tracker_store_url: str = "sqlite:///var/rasa-tracker.db"
    # Per-sender rate limit (the `limits` notation) and where the counts live.
    rate_limit: str = "20/minute"
    rate_limit_storage: str = "memory://"
    # Retention (days): bot conversations and working data; closed handoffs.
    retention_bot_days: int = 30
    retention_handoff_days: int = 365
    # Anonymous signals (bot/signals): rows kept this many weeks. The consumer reads Rasa's
    # SQL event broker (`sql`, endpoints.yml) or its RabbitMQ queue (`rabbitmq`,
    # endpoints.production.yml, with the same RABBITMQ_* variables as Rasa).
    retention_signal_weeks: int = 104
    signals_source: Literal["sql", "rabbitmq"] = "sql"
    rasa_event_broker_url: str = "sqlite:///var/rasa-events.db"
    rabbitmq_host: str = "127.0.0.1"
    rabbitmq_port: int = 5672
    rabbitmq_user: str = "guest"
    rabbitmq_password: SecretStr = SecretStr("guest")
    rabbitmq_queue: str = "rasa_events"
    # How often each gateway process works through the erased SMS tenants whose messages
    # are still in Twilio's log (bot/privacy/twilio_erasure.py; an erasure also wakes it).
    twilio_erasure_poll_seconds: float = 60.0
    # How often each gateway process looks for due activity reminders (seconds).
    reminder_poll_seconds: float = 30.0
    # How often the gateway looks for requests nobody took within their company's limit
    overdue_poll_seconds: float = 60.0
    # Housing companies: names, sites, office hours, holidays (loaded at start, idempotent).
    housing_companies_file: str = str(SAMPLE_COMPANIES)
    # The console's session cookie is signed with this; sessions end after idle minutes.
    console_secret: SecretStr = SecretStr(DEV_CONSOLE_SECRET)
    console_idle_minutes: int = 30
    # Staff e-mails (bot/notify): a new request reaches the staff on duty, an urgent one
    # nobody took escalates to supervisors. No SMTP_HOST: no e-mails. They never carry
    # tenant content, only the request's number, the company and a link to the console.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "console@localhost"
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    staff_notice_poll_seconds: float = 30.0
    staff_escalation_minutes: int = 10

    @property
    def sql_event_broker_url(self) -> str | None:
        """Rasa's SQL event broker, when the signals read it (it then holds texts until read)."""
        return self.rasa_event_broker_url if self.signals_source == "sql" else None

    @field_validator(
        "database_url", "migration_database_url", "rasa_tracker_store_url", "rasa_event_broker_url"
    )
    @classmethod
    def _psycopg3(cls, url: str) -> str:
        """A plain postgresql:// URL (as Rasa's store and most tools write it) means the
        psycopg 3 driver the gateway has, not SQLAlchemy's default psycopg2."""
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+psycopg://" + url[len(plain) :]
        return url

    @property
    def twilio_api(self) -> str:
        if self.twilio_api_url:
            return self.twilio_api_url
        dev = self.twilio_auth_token.get_secret_value() == DEV_TWILIO_AUTH_TOKEN
        return DEV_TWILIO_API_URL if dev else "https://api.twilio.com"

    def whatsapp_template(self, kind: str, language: str | None) -> str | None:
        """The ContentSid of an approved WhatsApp template ("reminder" or "waiting") in a
        language; None when none is configured."""
        chosen = "nl" if language == "nl" else "fr"
        return getattr(self, f"whatsapp_template_{kind}_{chosen}", "") or None

    @property
    def telegram_api(self) -> str:
        if self.telegram_api_url:
            return self.telegram_api_url
        dev = self.telegram_bot_token.get_secret_value() == DEV_TELEGRAM_BOT_TOKEN
        return DEV_TELEGRAM_API_URL if dev else "https://api.telegram.org/bot"

    def secrets(self) -> dict[str, tuple[SecretStr, bool]]:
        """Every secret by its variable's name, and whether we generate it (so it must be
        random) or a third party issues it (Twilio, Telegram)."""
        return {
            "PSEUDONYM_KEY": (self.pseudonym_key, True),
            "INTERNAL_API_TOKEN": (self.internal_api_token, True),
            "CONSOLE_SECRET": (self.console_secret, True),
            "TELEGRAM_SECRET_TOKEN": (self.telegram_secret_token, True),
            "RASA_TOKEN": (self.rasa_token, True),
            "TWILIO_AUTH_TOKEN": (self.twilio_auth_token, False),
            "TELEGRAM_BOT_TOKEN": (self.telegram_bot_token, False),
        }

    def check(self) -> Settings:
        if self.internal_port == self.gateway_port:
            raise InsecureSettings("INTERNAL_PORT must differ from GATEWAY_PORT")
        if self.profile == "production":
            self._check_secrets()
            if self.database_url.startswith("sqlite"):
                raise InsecureSettings("production needs DATABASE_URL on PostgreSQL")
            if self.gateway_workers > 1 and self.rate_limit_storage.startswith("memory"):
                # each worker would count alone: a flood would get GATEWAY_WORKERS times the limit
                raise InsecureSettings("several GATEWAY_WORKERS need RATE_LIMIT_STORAGE on Redis")
        return self

    def _check_secrets(self) -> None:
        """Refuses a development default, a placeholder, a short value, or one secret used
        twice; the message names the variable, never the value."""
        seen: dict[str, str] = {}
        for name, (secret, generated) in self.secrets().items():
            value = secret.get_secret_value()
            problem = weakness(value, DEVELOPMENT_SECRETS, must_be_random=generated)
            if problem is not None:
                raise InsecureSettings(f"{name} {problem}: set a real secret in production")
            if value in seen:
                raise InsecureSettings(f"{name} is the same as {seen[value]}: use one per purpose")
            seen[value] = name


@cache
def get_settings() -> Settings:
    return Settings().check()
