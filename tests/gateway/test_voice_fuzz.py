"""Fuzzing the phone line's webhooks with Hypothesis (2,400 generated requests): signed
requests of any shape to each voice webhook never break the gateway (200 with TwiML, or 400
that stores nothing), and unsigned ones are refused and leave nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.contacts.models import Contact, VoiceCall
from tests.gateway.channel_fixtures import COMPANIES, PUBLIC_URL, Channels, running_channels

FUZZ = settings(
    deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
PATHS = (
    "/webhooks/voice",
    "/webhooks/voice/language",
    "/webhooks/voice/company",
    "/webhooks/voice/turn",
    "/webhooks/voice/transferred?handoff=1",
)
words = (
    st.text(max_size=40)
    | st.text(min_size=600, max_size=3000)
    | st.sampled_from(["", " ", "0", "3", "*", "#", "12", "\x00", "🙂" * 200, "nan", "-1"])
)
call_sids = st.from_regex(r"CA[0-9a-f]{32}", fullmatch=True) | st.text(max_size=70)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Channels]:
    with running_channels(
        Path(tmp_path_factory.mktemp("voice-fuzz")),
        rate_limit="1000/second",
        housing_companies_file=str(COMPANIES / "voice_open.yml"),
    ) as running:
        yield running


def stored(desk: Channels) -> tuple[int, int]:
    with desk.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Contact)),
            session.scalar(select(func.count()).select_from(VoiceCall)),
        )


@given(
    path=st.sampled_from(PATHS),
    fields=st.fixed_dictionaries(
        {},
        optional={
            "CallSid": call_sids,
            "From": st.sampled_from(["+32470123456", "+3225550101", "anonymous", ""])
            | st.text(max_size=80),
            "To": st.sampled_from(["+32460000000", ""]) | st.text(max_size=60),
            "Digits": words,
            "SpeechResult": words,
            "Confidence": st.sampled_from(["0.9", "0.1", "", "x", "nan", "1e309"]),
            "DialCallStatus": st.sampled_from(["completed", "no-answer", "busy", ""]),
        },
    ),
)
@settings(FUZZ, max_examples=2000)
def test_signed_voice_webhooks_of_any_shape_never_break_the_gateway(
    desk: Channels, path: str, fields: dict[str, str]
) -> None:
    token = desk.settings.twilio_auth_token.get_secret_value()
    signature = RequestValidator(token).compute_signature(f"{PUBLIC_URL}{path}", fields)
    before = stored(desk)
    response = desk.client.post(path, data=fields, headers={"X-Twilio-Signature": signature})
    assert response.status_code in (200, 400), response.text[:200]
    if response.status_code == 400:
        assert stored(desk) == before
    else:
        assert ElementTree.fromstring(response.text).tag == "Response"


@given(
    path=st.sampled_from(PATHS),
    form=st.dictionaries(st.text(max_size=20), words, max_size=8),
    signature=st.none() | st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
@settings(FUZZ, max_examples=400)
def test_unsigned_voice_webhooks_are_refused_and_leave_nothing(
    desk: Channels, path: str, form: dict[str, str], signature: str | None
) -> None:
    before = stored(desk)
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = desk.client.post(path, data=form, headers=headers)
    assert response.status_code == 403
    assert stored(desk) == before
