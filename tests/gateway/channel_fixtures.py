"""The gateway with its channels, against loopback Twilio and Telegram servers and a
scripted Rasa; helpers that send real signed Twilio webhooks and real Telegram updates."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from bot.console.security import hash_password
from bot.core.settings import Settings
from bot.devtools.loopback import FakeTelegram, FakeTwilio, ScriptedRasa
from bot.gateway.app import create_app
from bot.handoff.models import StaffUser
from tests.gateway.conftest import migrated_sessions

PUBLIC_URL = "https://assistant.example.org"
TENANT = "+32470123456"
TELEGRAM_DATA = Path(__file__).resolve().parents[1] / "data" / "telegram"
WHATSAPP_DATA = Path(__file__).resolve().parents[1] / "data" / "whatsapp"
WHATSAPP_TENANT = f"whatsapp:{TENANT}"
_sids = itertools.count(1)
Script = Callable[[str, str], list[dict[str, Any]]]


def scripted_reply(sender: str, text: str) -> list[dict[str, Any]]:
    """A stand-in conversation: a menu on "menu?", a long text on "long", else an echo."""
    if text == "choices please":
        return [
            {
                "recipient_id": sender,
                "text": "Voulez-vous qu'une personne vous aide ?",
                "buttons": [
                    {"title": "Oui", "payload": "/affirm"},
                    {"title": "Non", "payload": "/deny"},
                ],
            }
        ]
    if text == "results?":
        return [
            {
                "recipient_id": sender,
                "text": "Sport à Jette :\n1. Club",
                "buttons": [{"title": "Plus de résultats", "payload": "/more_results"}],
            }
        ]
    if text == "say nothing":  # as Rasa does when an action failed (action server down)
        return []
    if text == "long":
        return [{"recipient_id": sender, "text": "Une phrase courte. " * 30}]
    if text == "html":
        return [{"recipient_id": sender, "text": "<b>Pas du HTML</b> & co. " * 300}]
    return [{"recipient_id": sender, "text": f"echo: {text}"}]


@dataclass
class Channels:
    client: TestClient
    rasa: ScriptedRasa
    twilio: FakeTwilio
    telegram: FakeTelegram
    settings: Settings
    sessions: sessionmaker

    def sms(
        self,
        body: str,
        *,
        sid: str | None = None,
        sender: str = TENANT,
        media: int = 0,
        signed: bool = True,
        tamper: bool = False,
    ) -> httpx.Response:
        params = {
            "MessageSid": sid or f"SM{next(_sids):032x}",
            "AccountSid": "AC" + "1" * 32,
            "From": sender,
            "To": "+32460000000",
            "Body": body,
            "NumMedia": str(media),
        }
        url = f"{PUBLIC_URL}/webhooks/sms"
        token = self.settings.twilio_auth_token.get_secret_value()
        signature = RequestValidator(token).compute_signature(url, params)
        if tamper:
            params["Body"] = body + " (changed on the way)"
        headers = {"X-Twilio-Signature": signature} if signed else {}
        return self.client.post("/webhooks/sms", data=params, headers=headers)

    def whatsapp(
        self,
        body: str | None = None,
        *,
        payload: str = "text",
        sid: str | None = None,
        sender: str = WHATSAPP_TENANT,
        to: str | None = None,
        path: str = "/webhooks/whatsapp",
        signed: bool = True,
        tamper: bool = False,
        **fields: str,
    ) -> httpx.Response:
        """A WhatsApp message as Twilio posts it (tests/data/whatsapp/<payload>.json: "text",
        "voice_note", "photo"), with this Body (None: the payload's), sender, `To` and
        MessageSid (SmsMessageSid and SmsSid alike), signed with Twilio's RequestValidator
        for `path`."""
        params = json.loads((WHATSAPP_DATA / f"{payload}.json").read_text(encoding="utf-8"))
        prefix = "MM" if int(params["NumMedia"]) else "SM"
        message_sid = sid or f"{prefix}{next(_sids):032x}"
        params.update(MessageSid=message_sid, SmsMessageSid=message_sid, SmsSid=message_sid)
        params.update(From=sender, WaId=sender.removeprefix("whatsapp:").lstrip("+"))
        if to is not None:
            params["To"] = to
        if body is not None:
            params["Body"] = body
        params.update(fields)
        token = self.settings.twilio_auth_token.get_secret_value()
        signature = RequestValidator(token).compute_signature(f"{PUBLIC_URL}{path}", params)
        if tamper:
            params["Body"] = params["Body"] + " (changed on the way)"
        headers = {"X-Twilio-Signature": signature} if signed else {}
        return self.client.post(path, data=params, headers=headers)

    def telegram_update(
        self, name: str, *, secret: str | None = None, **changes: Any
    ) -> httpx.Response:
        update = json.loads((TELEGRAM_DATA / f"{name}.json").read_text())
        update.update(changes)
        token = self.settings.telegram_secret_token.get_secret_value() if secret is None else secret
        return self.client.post(
            "/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": token}
        )


def replies(response: httpx.Response) -> list[str]:
    """The <Message> texts of a TwiML response."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return [element.text or "" for element in ElementTree.fromstring(response.text).iter("Message")]


@contextmanager
def running_channels(
    tmp_path: Path, script: Script = scripted_reply, **overrides: Any
) -> Iterator[Channels]:
    """The gateway against loopback servers; `script` answers for Rasa."""
    rasa, twilio, telegram = ScriptedRasa(script), FakeTwilio(), FakeTelegram()
    for server in (rasa, twilio, telegram):
        server.start()
    url, sessions = migrated_sessions(tmp_path / "gateway.db")
    settings = Settings(
        **{
            "_env_file": None,
            "database_url": url,
            "rasa_url": rasa.url,
            "public_url": PUBLIC_URL,
            "twilio_api_url": twilio.url,
            "telegram_api_url": f"{telegram.url}/bot",
            "sms_reply_deadline_seconds": 2,
            **overrides,
        }
    )
    try:
        with TestClient(create_app(settings)) as client:
            yield Channels(client, rasa, twilio, telegram, settings, sessions)
    finally:
        for server in (rasa, twilio, telegram):
            server.stop()


@pytest.fixture
def channels(tmp_path: Path) -> Iterator[Channels]:
    with running_channels(tmp_path) as running:
        yield running


# The private listener, as the in-process client reaches it: /internal/* and /metrics answer
# only on INTERNAL_PORT (bot/core/listeners.py); the test client sends a request to the
# port its URL names.
INTERNAL = f"http://127.0.0.1:{Settings.model_fields['internal_port'].default}"
COMPANIES = Path(__file__).resolve().parents[1] / "data" / "companies"
STAFF_PASSWORD = "correct horse battery staple"
# Every test account has this second factor enrolled (tests/security enrols through the pages).
STAFF_TOTP_SECRET = pyotp.random_base32()


def enrolled_staff(**fields: Any) -> StaffUser:
    """A staff account with STAFF_PASSWORD and STAFF_TOTP_SECRET confirmed."""
    return StaffUser(
        password_hash=hash_password(STAFF_PASSWORD),
        totp_secret=STAFF_TOTP_SECRET,
        totp_confirmed_at=datetime.now(timezone.utc),
        **fields,
    )


def csrf_in(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(desk: Channels, email: str, password: str = STAFF_PASSWORD) -> httpx.Response:
    """The whole login of the console: the password, then the second factor; the last
    answer (a 303 to the staff member's home page when both are right). Tests about other
    things sign in many times a minute: the account's last accepted code step is forgotten
    first, so that the current code counts (tests/security checks the replay refusal)."""
    desk.client.cookies.clear()
    form = {"email": email, "password": password, "csrf": csrf_in(desk.client.get(LOGIN).text)}
    answer = desk.client.post(LOGIN, data=form, follow_redirects=False)
    if answer.status_code != 303 or answer.headers["location"] != SECOND_FACTOR:
        return answer
    with desk.sessions() as session:
        session.execute(
            update(StaffUser).where(StaffUser.email == email).values(totp_last_step=None)
        )
        session.commit()
    code = {"code": pyotp.TOTP(STAFF_TOTP_SECRET).now()}
    code["csrf"] = csrf_in(desk.client.get(SECOND_FACTOR).text)
    return desk.client.post(SECOND_FACTOR, data=code, follow_redirects=False)


LOGIN = "/console/login"
SECOND_FACTOR = "/console/login/second-factor"


@contextmanager
def console_with_staff(
    tmp_path: Path, staff: list[tuple[str, str, str, str]]
) -> Iterator[Channels]:
    """The gateway with two always-open housing companies and these staff accounts, as
    (email, company, role, language), each with STAFF_PASSWORD; named by their email."""
    with running_channels(
        tmp_path, housing_companies_file=str(COMPANIES / "always_open.yml"), console_idle_minutes=30
    ) as running:
        with running.sessions() as session:
            for email, company, role, language in staff:
                session.add(
                    enrolled_staff(
                        email=email,
                        name=email.split("@")[0].capitalize(),
                        company_id=company,
                        role=role,
                        language=language,
                    )
                )
            session.commit()
        yield running
