"""Fuzzing both webhooks with Hypothesis: 10,000 generated cases (2,000 + 2,500 + 1,500 x 3
endpoints + 3,000 + 1,000 requests) of every shape (wrong
types, huge bodies, bad encodings, missing fields, replayed signatures). No 5xx, no crash,
and nothing stored from a rejected request."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.contacts.models import Contact, InboundMessage
from bot.core.body_limit import BODY_LIMIT_BYTES, BodyLimit
from tests.gateway.channel_fixtures import PUBLIC_URL, running_channels

FUZZ = settings(
    deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
SMS_URL = f"{PUBLIC_URL}/webhooks/sms"
_sids = itertools.count(1)
text = (
    st.text(max_size=50)
    | st.text(min_size=2000, max_size=5000)
    | st.sampled_from(["", " ", "0", "STOP", "9", "\x00", "\ud7ff", "🙂" * 300, "é" * 1601])
)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    with running_channels(tmp_path_factory.mktemp("fuzz"), rate_limit="1000/second") as running:
        yield running


def stored(desk) -> tuple[int, int]:
    with desk.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Contact)),
            session.scalar(select(func.count()).select_from(InboundMessage)),
        )


@given(
    form=st.dictionaries(st.text(max_size=30), text, max_size=12),
    signature=st.none() | st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
@settings(FUZZ, max_examples=2000)
def test_unsigned_or_badly_signed_sms_is_refused_and_leaves_nothing(desk, form, signature):
    before = stored(desk)
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = desk.client.post("/webhooks/sms", data=form, headers=headers)
    # a form over the body limit is refused before its signature is read
    too_large = len(urlencode(form).encode()) > BODY_LIMIT_BYTES
    assert response.status_code == (413 if too_large else 403)
    assert stored(desk) == before


@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "MessageSid": st.text(max_size=80),
            "From": st.text(max_size=80),
            "Body": text,
            "NumMedia": st.text(max_size=5),
            "To": st.text(max_size=20),
            "Extra": text,
        },
    )
)
@settings(FUZZ, max_examples=2500)
def test_signed_sms_of_any_shape_never_breaks_the_gateway(desk, fields):
    token = desk.settings.twilio_auth_token.get_secret_value()
    signature = RequestValidator(token).compute_signature(SMS_URL, fields)
    before = stored(desk)
    response = desk.client.post(
        "/webhooks/sms", data=fields, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code in (200, 400), response.text[:200]
    if response.status_code == 400:
        assert stored(desk) == before


@given(
    body=st.binary(max_size=5000),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain; charset=latin-1",
            "multipart/form-data",
            "",
        ]
    ),
)
@settings(FUZZ, max_examples=1500)
def test_raw_bytes_in_bad_encodings_are_refused_cleanly(desk, body, content_type):
    before = stored(desk)
    for path in ("/webhooks/sms", "/webhooks/sms/status", "/webhooks/telegram"):
        response = desk.client.post(path, content=body, headers={"Content-Type": content_type})
        assert response.status_code in (400, 403)
    assert stored(desk) == before


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.floats(allow_nan=False, allow_infinity=False)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=15), children, max_size=5)
    ),
    max_leaves=20,
)
update_like = st.fixed_dictionaries(
    {"update_id": st.integers() | st.text(max_size=5)},
    optional={
        "message": st.dictionaries(
            st.sampled_from(["message_id", "date", "chat", "from", "text", "voice", "photo"]),
            json_values,
            max_size=6,
        ),
        "callback_query": json_values,
        "edited_message": json_values,
    },
)


@given(update=json_values | update_like, with_secret=st.booleans())
@settings(FUZZ, max_examples=3000)
def test_telegram_updates_of_any_shape_never_break_the_gateway(desk, update, with_secret):
    before = stored(desk)
    secret = desk.settings.telegram_secret_token.get_secret_value() if with_secret else "nope"
    response = desk.client.post(
        "/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )
    assert response.status_code in ((200, 400) if with_secret else (403,)), response.text[:200]
    if response.status_code != 200:
        assert stored(desk) == before


@given(body=text)
@settings(FUZZ, max_examples=1000)
def test_a_replayed_signature_does_not_cover_another_message(desk, body):
    token = desk.settings.twilio_auth_token.get_secret_value()
    original = {"MessageSid": f"SM{next(_sids):032x}", "From": "+32470000123", "Body": "bonjour"}
    signature = RequestValidator(token).compute_signature(SMS_URL, original)
    replayed = {**original, "Body": body if body != "bonjour" else "bonsoir"}
    before = stored(desk)
    response = desk.client.post(
        "/webhooks/sms", data=replayed, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    assert stored(desk) == before


PUBLIC_ROUTES = [
    ("POST", "/webhooks/sms"),
    ("POST", "/webhooks/sms/status"),
    ("POST", "/webhooks/telegram"),
    ("POST", "/console/login"),
    ("GET", "/hsds/services"),
]


@pytest.mark.parametrize("method, path", PUBLIC_ROUTES)
def test_a_body_over_64_kib_is_answered_413_on_every_public_route(desk, method, path):
    # (TestClient buffers a streamed body whole: chunked bodies are tested below on the
    # middleware itself, and against the real gateway process in tests/security.)
    before = stored(desk)
    answer = desk.client.request(method, path, content=b"a" * (BODY_LIMIT_BYTES + 1))
    assert (answer.status_code, answer.text) == (413, "request too large")
    assert stored(desk) == before


def test_a_body_at_the_limit_still_reaches_the_route(desk):
    answer = desk.client.post("/webhooks/sms", content=b"a" * BODY_LIMIT_BYTES)
    assert answer.status_code == 403  # refused by the signature check, not by its size


class _Exchange:
    """One request through BodyLimit: the chunks the client sends, what the app behind it
    received, and what went back to the client."""

    def __init__(self, chunks: int, chunk_size: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.chunks = [
            {"type": "http.request", "body": b"a" * chunk_size, "more_body": i < chunks - 1}
            for i in range(chunks)
        ]
        self.headers, self.app_received, self.answers = headers, b"", list[dict]()

    async def app(self, scope: dict, receive: Callable, send: Callable) -> None:
        """An app that reads the whole body, then answers 200."""
        while (message := await receive())["type"] == "http.request":
            self.app_received += message["body"]
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    async def receive(self) -> dict:
        return self.chunks.pop(0)

    async def send(self, message: dict) -> None:
        self.answers.append(message)

    def run(self, limit: int) -> int:
        scope = {"type": "http", "method": "POST", "path": "/", "headers": self.headers}
        asyncio.run(BodyLimit(self.app, limit=limit)(scope, self.receive, self.send))
        (status,) = [a["status"] for a in self.answers if a["type"] == "http.response.start"]
        return status


def test_a_chunked_body_is_cut_at_the_limit_and_the_app_never_gets_more() -> None:
    exchange = _Exchange(chunks=10, chunk_size=1000, headers=[])
    assert exchange.run(limit=2500) == 413
    assert len(exchange.app_received) <= 2500
    assert len(exchange.chunks) == 7  # three chunks read from the client, no more
    assert b"read it all" not in b"".join(a.get("body", b"") for a in exchange.answers)


def test_a_declared_length_over_the_limit_is_answered_without_reading_a_byte() -> None:
    exchange = _Exchange(chunks=3, chunk_size=1000, headers=[(b"content-length", b"3000")])
    assert exchange.run(limit=2500) == 413
    assert len(exchange.chunks) == 3 and exchange.app_received == b""


def test_a_chunked_body_within_the_limit_reaches_the_app_whole() -> None:
    exchange = _Exchange(chunks=2, chunk_size=1000, headers=[])
    assert exchange.run(limit=2500) == 200 and len(exchange.app_received) == 2000
