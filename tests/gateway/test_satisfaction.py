"""The satisfaction question after a person's help (issue 18): a tenant handed back to the
bot is asked once, by SMS (or Telegram) in the handoff's language, under the notice that the
bot is back; their next message, if it is an answer, is kept with the handoff and thanked,
and Rasa never hears it; anything else goes to the bot and settles the question. The
signals page counts the questions per week for the staff member's own company, small
numbers suppressed as the signals are."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta, timezone
from html import unescape
from itertools import count

import pytest
from sqlalchemy import select, update

from bot.contacts.models import Contact
from bot.handoff.models import Handoff
from bot.handoff.satisfaction import answer_in, ask
from bot.sms_rules import measure, to_gsm7
from tests.gateway.channel_fixtures import (
    INTERNAL,
    TELEGRAM_DATA,
    TENANT,
    console_with_staff,
    replies,
    sign_in,
)

BACK_FR = "L'assistant automatique est de retour. Envoyez 0 pour le menu."
QUESTION_FR = "Est-ce que notre aide vous a servi ? Répondez :\n1 oui\n2 un peu\n3 non"
BACK_NL = "De automatische assistent is terug. Stuur 0 voor het menu."
QUESTION_NL = "Had u iets aan onze hulp? Antwoord:\n1 ja\n2 een beetje\n3 nee"
THANKS_FR, THANKS_NL = "Merci pour votre réponse.", "Bedankt voor uw antwoord."


@pytest.fixture
def desk(tmp_path):
    """The gateway, two always-open housing companies, a caseworker and a coordinator in
    each, and an admin in company A."""
    with console_with_staff(
        tmp_path,
        [
            ("ana@a.example", "company-a", "caseworker", "fr"),
            ("cora@a.example", "company-a", "coordinator", "fr"),
            ("koen@a.example", "company-a", "coordinator", "nl"),
            ("adam@a.example", "company-a", "admin", "fr"),
            ("bea@b.example", "company-b", "coordinator", "fr"),
        ],
    ) as running:
        yield running


def csrf_of(desk, path: str = "/console/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', desk.client.get(path).text).group(1)


def sender_of(desk, channel: str = "sms") -> str:
    with desk.sessions() as session:
        return session.scalar(select(Contact.pseudonym).where(Contact.channel == channel))


def open_handoff(desk, language: str = "fr", channel: str = "sms") -> int:
    token = desk.settings.internal_api_token.get_secret_value()
    answer = desk.client.post(
        f"{INTERNAL}/internal/handoffs",
        json={"sender_id": sender_of(desk, channel), "reason": "asked", "language": language},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["id"]


def close(desk, handoff_id: int, hand_back: bool = True) -> None:
    """Ana takes the conversation and closes it (handing the tenant back, or not)."""
    assert sign_in(desk, "ana@a.example").status_code == 303
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)})
    form = {"reason": "done", "csrf": csrf_of(desk, path)}
    if hand_back:
        form["hand_back"] = "true"
    closed = desk.client.post(f"{path}/close", data=form, follow_redirects=False)
    assert closed.status_code == 303


def handed_back_over_sms(desk, language: str = "fr") -> int:
    """A tenant who wrote by SMS, had a person's help, and was handed back; the handoff."""
    desk.sms("nl" if language == "nl" else "bonjour")
    handoff_id = open_handoff(desk, language)
    close(desk, handoff_id)
    desk.twilio.wait_for(1, "Messages.json")
    return handoff_id


def survey_of(desk, handoff_id: int) -> tuple[datetime | None, str | None, datetime | None]:
    with desk.sessions() as session:
        handoff = session.get_one(Handoff, handoff_id)
        return handoff.survey_asked_at, handoff.survey_answer, handoff.survey_answered_at


# --- asking ---------------------------------------------------------------------------------


def test_handing_back_asks_the_question_under_the_bot_back_notice_in_one_sms(desk):
    handoff_id = handed_back_over_sms(desk)
    (sent,) = desk.twilio.sent()
    assert sent["To"] == TENANT
    assert sent["Body"] == f"{BACK_FR}\n{QUESTION_FR}"
    size = measure(to_gsm7(sent["Body"]))
    assert size.gsm7 and size.segments == 1
    asked, answer, settled = survey_of(desk, handoff_id)
    assert asked is not None and answer is None and settled is None


def test_a_dutch_handoff_is_asked_in_dutch(desk):
    handed_back_over_sms(desk, "nl")
    (sent,) = desk.twilio.sent()
    assert sent["Body"] == f"{BACK_NL}\n{QUESTION_NL}"
    assert measure(to_gsm7(sent["Body"])).segments == 1
    assert replies(desk.sms("Een Beetje")) == [THANKS_NL]


def test_closing_without_handing_back_asks_nothing(desk):
    desk.sms("bonjour")
    handoff_id = open_handoff(desk)
    close(desk, handoff_id, hand_back=False)
    time.sleep(0.5)
    assert desk.twilio.sent() == []
    assert survey_of(desk, handoff_id) == (None, None, None)
    assert replies(desk.sms("1")) == ["echo: 1"]  # no question: the bot's


def test_a_tenant_who_sent_stop_is_asked_nothing(desk):
    desk.sms("bonjour")
    handoff_id = open_handoff(desk)
    desk.sms("STOP")
    close(desk, handoff_id)
    time.sleep(0.5)
    assert desk.twilio.sent() == []
    assert survey_of(desk, handoff_id)[0] is None


# --- answering ------------------------------------------------------------------------------


def test_an_answer_is_thanked_kept_with_the_handoff_and_never_reaches_rasa(desk):
    handoff_id = handed_back_over_sms(desk)
    before = len(desk.rasa.messages())
    assert replies(desk.sms("2")) == [THANKS_FR]
    assert len(desk.rasa.messages()) == before
    asked, answer, settled = survey_of(desk, handoff_id)
    assert answer == "little" and settled is not None and settled >= asked
    # a second answer is an ordinary message: the bot's, and the first answer stays
    assert replies(desk.sms("1")) == ["echo: 1"]
    assert len(desk.rasa.messages()) == before + 1
    assert survey_of(desk, handoff_id)[1] == "little"
    with desk.sessions() as session:  # kept with the handoff: nothing on the tenant
        contact = session.scalars(select(Contact)).one()
        assert "little" not in str(vars(contact).values())


def test_a_real_question_goes_to_the_bot_and_settles_the_question_unanswered(desk):
    handoff_id = handed_back_over_sms(desk)
    before = len(desk.rasa.messages())
    assert replies(desk.sms("où payer mon loyer ?")) == ["echo: où payer mon loyer ?"]
    assert len(desk.rasa.messages()) == before + 1
    asked, answer, settled = survey_of(desk, handoff_id)
    assert answer is None and settled is not None  # passed over, for good
    assert replies(desk.sms("oui")) == ["echo: oui"]  # a later "oui" is not an answer
    assert survey_of(desk, handoff_id)[1] is None


def test_a_menu_choice_after_asking_for_the_menu_is_not_an_answer(desk):
    handoff_id = handed_back_over_sms(desk)
    assert replies(desk.sms("0")) == ["echo: /ask_capabilities"]  # as the notice says
    assert replies(desk.sms("2")) == ["echo: 2"]  # a choice in the menu, for the bot
    assert survey_of(desk, handoff_id)[1] is None


def test_an_answer_after_24_hours_is_not_taken(desk):
    handoff_id = handed_back_over_sms(desk)
    with desk.sessions() as session:
        late = datetime.now(timezone.utc) - timedelta(hours=25)
        session.execute(update(Handoff).values(survey_asked_at=late))
        session.commit()
    assert replies(desk.sms("1")) == ["echo: 1"]
    assert survey_of(desk, handoff_id)[1] is None


def test_the_question_and_the_answer_over_telegram(desk):
    message = json.loads((TELEGRAM_DATA / "text.json").read_text())["message"]
    desk.telegram_update("text", update_id=1, message=message)
    desk.telegram.wait_for(1, "sendMessage")
    handoff_id = open_handoff(desk, "nl", "telegram")
    close(desk, handoff_id)
    sent = desk.telegram.wait_for(2, "sendMessage")
    assert sent[-1].body["text"] == f"{BACK_NL}\n{QUESTION_NL}"
    before = len(desk.rasa.messages())
    desk.telegram_update("text", update_id=2, message={**message, "text": "NEE"})
    assert desk.telegram.wait_for(3, "sendMessage")[-1].body["text"] == THANKS_NL
    assert len(desk.rasa.messages()) == before
    assert survey_of(desk, handoff_id)[1] == "no"


def test_answers_are_folded_and_anything_more_is_not_an_answer():
    assert [answer_in(m) for m in ("1", " 2. ", "3", "Oui", "UN PEU", "non!", "1 oui")] == [
        "yes",
        "little",
        "no",
        "yes",
        "little",
        "no",
        "yes",
    ]
    assert [answer_in(m) for m in ("ja", "Een beetje", "nee")] == ["yes", "little", "no"]
    assert answer_in("peu") is None and answer_in("oui merci") is None
    assert answer_in("1 non") is None and answer_in("4") is None and answer_in("") is None


def test_the_phone_line_is_never_asked():
    caller = Contact(channel="voice", address=TENANT, pseudonym="voice-x")
    handoff = Handoff(channel="voice", language="fr")
    assert ask(None, handoff, caller, BACK_FR) == BACK_FR  # type: ignore[arg-type]
    assert handoff.survey_asked_at is None


# --- the counts on the signals page ---------------------------------------------------------

W1, W2, W3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)  # Mondays
RANGE = "from=2026-03-02&to=2026-03-20"
_numbers = count(1)


def asked_in(session, week: date, answers: list[str | None], company: str = "company-a") -> None:
    """One closed, handed-back handoff per answer (None: not answered), asked on the
    Wednesday of `week` at noon UTC."""
    moment = datetime.combine(week + timedelta(days=2), datetime.min.time(), timezone.utc)
    for answer in answers:
        number = next(_numbers)
        contact = Contact(channel="sms", address=f"+3247000{number:04d}", pseudonym=f"p{number}")
        session.add(contact)
        session.flush()
        session.add(
            Handoff(
                contact_id=contact.id,
                company_id=company,
                sender_id=contact.pseudonym,
                reason="asked",
                channel="sms",
                status="closed",
                handed_back=True,
                closed_at=moment,
                survey_asked_at=moment + timedelta(hours=12),
                survey_answer=answer,
                survey_answered_at=moment + timedelta(hours=13) if answer else None,
            )
        )


def satisfaction_row(page: str, name: str) -> list[str]:
    body = page.split('data-table="satisfaction"')[1].split("</table>")[0]
    row = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', body, re.S)
    assert row, f"no row {name!r}"
    return [
        unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


@pytest.fixture
def counted(desk):
    """Company A: week 1, 7 asked, 6 answered (5 yes, 1 a little); week 2, 12 asked, 11
    answered (6 yes, 5 a little); week 3, 3 asked, 3 yes. Company B: 8 asked in week 1."""
    with desk.sessions() as session:
        asked_in(session, W1, ["yes"] * 5 + ["little", None])
        asked_in(session, W2, ["yes"] * 6 + ["little"] * 5 + [None])
        asked_in(session, W3, ["yes"] * 3)
        asked_in(session, W1, ["no"] * 8, company="company-b")
        session.commit()
    return desk


def test_the_page_counts_the_weeks_questions_and_hides_small_numbers(counted):
    assert sign_in(counted, "cora@a.example").status_code == 303
    page = counted.client.get(f"/console/signals?{RANGE}")
    assert page.status_code == 200
    html = page.text
    assert "Satisfaction après l&#39;aide d&#39;une personne" in html
    assert satisfaction_row(html, "Questions posées") == ["7", "12", "<5"]
    assert satisfaction_row(html, "Réponses") == ["6", "11", "<5"]
    assert satisfaction_row(html, "Oui") == ["5", "6", "<5"]
    # week 2: "Non" (0) is hidden, so the smallest shown answer is hidden too: 11 - 6
    # would give the "<5" back
    assert satisfaction_row(html, "Un peu") == ["<5", "x", "<5"]
    assert satisfaction_row(html, "Non") == ["<5", "<5", "<5"]
    table = html.split('data-table="satisfaction"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    assert not {"0", "1", "2", "3", "4"} & set(cells)  # no small number anywhere


def test_a_dutch_coordinator_and_an_admin_see_the_same_counts(counted):
    assert sign_in(counted, "koen@a.example").status_code == 303
    html = counted.client.get(f"/console/signals?{RANGE}").text
    assert "Tevredenheid na de hulp van een mens" in html
    assert satisfaction_row(html, "Vragen gesteld") == ["7", "12", "<5"]
    assert sign_in(counted, "adam@a.example").status_code == 303
    html = counted.client.get(f"/console/signals?{RANGE}").text
    assert satisfaction_row(html, "Oui") == ["5", "6", "<5"]


def test_another_companys_staff_see_only_their_own_counts(counted):
    assert sign_in(counted, "bea@b.example").status_code == 303
    html = counted.client.get(f"/console/signals?{RANGE}").text
    assert satisfaction_row(html, "Questions posées") == ["8", "<5", "<5"]
    assert satisfaction_row(html, "Non") == ["8", "<5", "<5"]
    assert satisfaction_row(html, "Oui") == ["<5", "<5", "<5"]  # company A's 5 and 6: not here


def test_caseworkers_do_not_see_the_counts(counted):
    assert sign_in(counted, "ana@a.example").status_code == 303
    page = counted.client.get(f"/console/signals?{RANGE}", follow_redirects=False)
    assert page.status_code == 403
