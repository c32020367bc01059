"""The phone line (issue 17) against a scripted Rasa and the loopback Twilio: real signed
Twilio Voice webhooks, the TwiML answers parsed.

The scripted Rasa opens handoffs the way the action server does (a row in the queue),
so that what the call does with a person request can be seen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.contacts.models import Contact, VoiceCall
from bot.handoff import store
from bot.handoff.models import Handoff
from bot.handoff.safety_texts import safety_message
from bot.outbox.models import OutboxMessage
from bot.sms_rules import MENU_PAYLOAD
from tests.gateway.channel_fixtures import COMPANIES, Channels, enrolled_staff, running_channels
from tests.gateway.voice_fixtures import (
    CALLER,
    LANDLINE,
    LINE,
    Twiml,
    new_call_sid,
    pressed,
    said,
    say_text,
    silence,
    start_call,
    voice,
)

RESULTS = (
    "École de devoirs à Schaerbeek :\n"
    "1. Devoirs Plus\nLundi 7/12, 16h-18h\nRue Royale 200, 1030 Schaerbeek\nTél. 02 000 00 31\n"
    "2. Les Cartables\nMardi 8/12, 16h30-18h\nAvenue Rogier 10, 1030 Schaerbeek\nGratuit\n"
    "3. Aide aux devoirs Josaphat\nMercredi 9/12, 14h-16h\nRue Josaphat 1, 1030 Schaerbeek"
)
MENU = [
    ("Activités près de chez vous", "/find_activity"),
    ("Aide téléphone ou ordinateur", "/digital_help"),
    ("Question sur le logement", "/housing_question"),
    ("Parler à une personne", "/human_handoff"),
]
HANDOFF_OPENED = (
    "D'accord. Une personne du service social va vous répondre ici, pendant les heures de bureau."
)


class VoiceScript:
    """Rasa's answers for these tests; `desk` is set once the gateway runs, so that a
    person request opens a handoff as the action server would."""

    def __init__(self) -> None:
        self.desk: Channels | None = None

    def __call__(self, sender: str, text: str) -> list[dict[str, Any]]:
        if text == "école de devoirs à schaerbeek":
            return [
                {
                    "text": RESULTS,
                    "buttons": [{"title": "Plus de résultats", "payload": "/more_results"}],
                }
            ]
        if text == MENU_PAYLOAD:
            return [
                {
                    "text": "Que voulez-vous faire ? (Nederlands? Typ NL)",
                    "buttons": [{"title": t, "payload": p} for t, p in MENU],
                }
            ]
        if text in ("/human_handoff", "une personne"):
            self._open(sender, urgent=False, reason="asked")
            return [{"text": HANDOFF_OPENED}]
        if text == "je ne veux plus vivre":
            self._open(sender, urgent=True, reason="danger")
            return [
                {"text": safety_message("suicide", "fr")},
                {"text": "J'ai aussi prévenu le service social."},
            ]
        if text == "choices please":
            return [
                {
                    "text": "Voulez-vous qu'une personne vous aide ?",
                    "buttons": [
                        {"title": "Oui", "payload": "/affirm"},
                        {"title": "Non", "payload": "/deny"},
                    ],
                }
            ]
        if text == "a link":
            return [{"text": "Voir https://www.example.org/aide 😀 pour en savoir plus. ✔"}]
        return [{"text": f"Vous avez dit : {text}."}]

    def _open(self, sender: str, urgent: bool, reason: str) -> None:
        assert self.desk is not None
        with self.desk.sessions() as session:
            contact = session.scalar(select(Contact).where(Contact.pseudonym == sender))
            store.open_handoff(
                session, contact, {"reason": reason, "urgent": urgent, "language": "fr"}
            )
            session.commit()


def _line(tmp_path: Path, companies: str) -> Iterator[Channels]:
    script = VoiceScript()
    with running_channels(
        tmp_path, script, housing_companies_file=str(COMPANIES / companies)
    ) as desk:
        script.desk = desk
        yield desk


@pytest.fixture
def line(tmp_path: Path) -> Iterator[Channels]:
    yield from _line(tmp_path, "voice_open.yml")


@pytest.fixture
def closed_line(tmp_path: Path) -> Iterator[Channels]:
    yield from _line(tmp_path, "voice_closed.yml")


def test_a_new_caller_chooses_the_language_each_sentence_in_its_own_voice(line: Channels) -> None:
    first = Twiml.of(voice(line, call_sid=new_call_sid()))
    gather = first.gather
    assert gather is not None
    assert gather.get("input") == "dtmf"
    assert gather.get("numDigits") == "1"
    assert gather.get("action") == "https://assistant.example.org/webhooks/voice/language"
    french, dutch = gather.findall("Say")
    assert (french.get("voice"), french.get("language")) == ("Polly.Isabelle-Neural", "fr-BE")
    assert say_text(french) == "Pour le français, tapez 1."
    assert (dutch.get("voice"), dutch.get("language")) == ("Polly.Lisa-Neural", "nl-BE")
    assert say_text(dutch) == "Voor Nederlands, druk op 2."


def test_the_choice_greets_in_dutch_and_listens_in_dutch_with_hints(line: Channels) -> None:
    call_sid = new_call_sid()
    voice(line, call_sid=call_sid)
    greeting = Twiml.of(voice(line, "/webhooks/voice/language", call_sid=call_sid, Digits="2"))
    gather = greeting.gather
    assert gather is not None
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "nl-BE"
    assert gather.get("action") == "https://assistant.example.org/webhooks/voice/turn"
    assert gather.get("actionOnEmptyResult") == "true"
    hints = gather.get("hints", "").split(", ")
    assert {"Schaarbeek", "Anderlecht", "Sint-Joost-ten-Node"} <= set(hints)
    assert all(say.get("voice") == "Polly.Lisa-Neural" for say in gather.iter("Say"))
    spoken = greeting.listened()
    assert "Dit gesprek wordt niet opgenomen." in spoken
    assert "In gevaar? Bel 112." in spoken


def test_french_listens_with_the_french_recogniser_as_twilio_has_no_fr_be(line: Channels) -> None:
    call_sid = start_call(line, language="fr")
    answer = said(line, call_sid, "bonjour")
    assert answer.gather is not None and answer.gather.get("language") == "fr-FR"
    assert {"Schaerbeek", "Ixelles"} <= set(answer.gather.get("hints", "").split(", "))


def test_a_caller_known_by_sms_is_greeted_in_their_language(line: Channels) -> None:
    with line.sessions() as session:
        session.add(Contact(channel="sms", address=CALLER, pseudonym="sms-known", language="nl"))
        session.commit()
    greeting = Twiml.of(voice(line, call_sid=new_call_sid()))
    assert greeting.gather is not None and greeting.gather.get("language") == "nl-BE"
    assert "Hallo." in greeting.listened()


@pytest.mark.parametrize("how", ["unsigned", "tampered"])
def test_a_webhook_not_signed_by_twilio_is_refused_and_changes_nothing(
    line: Channels, how: str
) -> None:
    answer = voice(
        line,
        "/webhooks/voice/turn",
        call_sid=new_call_sid(),
        SpeechResult="bonjour",
        signed=how != "unsigned",
        tamper=how == "tampered",
    )
    assert answer.status_code == 403
    with line.sessions() as session:
        assert session.scalars(select(Contact)).all() == []
        assert session.scalars(select(VoiceCall)).all() == []
    assert line.rasa.messages() == []


def test_speech_goes_to_rasa_with_the_voice_channel_in_the_metadata(line: Channels) -> None:
    call_sid = start_call(line)
    answer = said(line, call_sid, "Bonjour")
    sent = line.rasa.messages()[-1]
    assert sent["message"] == "Bonjour"
    assert sent["metadata"]["channel"] == "voice"
    assert sent["metadata"]["language_hint"] == "fr"
    assert sent["metadata"]["site"] == "voice-company"
    assert CALLER not in sent["sender"]
    assert "Vous avez dit : Bonjour." in answer.listened()


def test_results_are_read_one_at_a_time_and_go_by_sms(line: Channels) -> None:
    call_sid = start_call(line)
    first = said(line, call_sid, "école de devoirs à schaerbeek")
    spoken = first.listened()
    assert "J'ai trouvé 3 activités. Voici la première." in spoken
    assert "Devoirs Plus" in spoken and "Les Cartables" not in spoken
    assert "Lundi 7 décembre, 16 heures à 18 heures." in spoken
    assert "Pour la suivante, tapez 1." in spoken
    assert "Pour réécouter, tapez 2." in spoken
    assert "Pour les recevoir par SMS, tapez 3." in spoken
    assert "Pour plus de résultats, tapez 9. Ou dites : plus de résultats." in spoken
    second = pressed(line, call_sid, "1")
    assert "Les Cartables" in second.listened() and "Devoirs Plus" not in second.listened()
    again = pressed(line, call_sid, "2")
    assert "Les Cartables" in again.listened()
    by_voice = said(line, call_sid, "suivant")
    assert "Aide aux devoirs Josaphat" in by_voice.listened()
    assert "Pour la suivante" not in by_voice.listened()  # the last one
    sent = pressed(line, call_sid, "3")
    assert "Je vous envoie un SMS." in sent.listened()
    texts = _sms_to(line, CALLER)
    assert texts, "the loopback Twilio got no SMS"
    body = "\n".join(texts)
    for name in ("Devoirs Plus", "Les Cartables", "Aide aux devoirs Josaphat", "Rue Royale 200"):
        assert name in body
    assert "9 Plus" not in body  # no menu line of a screen


def _sms_to(desk: Channels, number: str, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [
            request.body.get("Body", "")
            for request in desk.twilio.requests
            if request.path.endswith("/Messages.json") and request.body.get("To") == number
        ]
        if found:
            return found
        time.sleep(0.1)
    return []


def test_a_landline_caller_is_told_it_gets_no_sms(line: Channels) -> None:
    call_sid = start_call(line, caller=LANDLINE)
    Twiml.of(
        voice(
            line,
            "/webhooks/voice/turn",
            call_sid=call_sid,
            caller=LANDLINE,
            SpeechResult="école de devoirs à schaerbeek",
            Confidence="0.9",
        )
    )
    answer = Twiml.of(
        voice(line, "/webhooks/voice/turn", call_sid=call_sid, caller=LANDLINE, Digits="3")
    )
    assert "Vous appelez d'un téléphone fixe. Il ne reçoit pas de SMS." in answer.listened()
    with line.sessions() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_keys_map_to_the_options_and_a_menu_is_read_key_and_words(line: Channels) -> None:
    call_sid = start_call(line)
    menu = said(line, call_sid, "choices please")
    spoken = menu.listened()
    assert "Pour oui, tapez 1. Ou dites : oui." in spoken
    assert "Pour non, tapez 2. Ou dites : non." in spoken
    assert "/affirm" not in spoken and "/deny" not in spoken
    pressed(line, call_sid, "1")
    assert line.rasa.messages()[-1]["message"] == "/affirm"
    said(line, call_sid, "choices please")
    said(line, call_sid, "non")  # a title said aloud is that option
    assert line.rasa.messages()[-1]["message"] == "/deny"
    pressed(line, call_sid, "0")
    assert line.rasa.messages()[-1]["message"] == MENU_PAYLOAD


def test_the_menu_drops_the_screen_hint_and_reads_each_option(line: Channels) -> None:
    call_sid = start_call(line)
    spoken = pressed(line, call_sid, "0").listened()
    assert "Typ NL" not in spoken
    assert "Pour parler à une personne, tapez 4. Ou dites : parler à une personne." in spoken


def test_no_url_emoji_or_symbol_is_spoken(line: Channels) -> None:
    call_sid = start_call(line)
    spoken = said(line, call_sid, "a link").spoken()
    assert "http" not in spoken and "www" not in spoken
    assert "😀" not in spoken and "✔" not in spoken
    assert "pour en savoir plus." in spoken


def test_danger_numbers_are_read_slowly_twice_with_ssml_and_a_callback_opens(
    line: Channels,
) -> None:
    call_sid = start_call(line)
    answer = said(line, call_sid, "je ne veux plus vivre")
    outside = [say for say in answer.root.findall("Say")]  # not interruptible: before the Gather
    slow = [say for say in outside if say.find("prosody") is not None]
    assert len(slow) == 2
    for say in slow:
        prosody = say.find("prosody")
        assert prosody is not None and prosody.get("rate") == "slow"
        numbers = [(e.get("interpret-as"), e.text) for e in prosody.iter("say-as")]
        assert ("cardinal", "112") in numbers
        assert ("digits", "0800") in numbers  # 0800 32 123: "zéro huit zéro zéro, 32, 123"
        assert ("cardinal", "32") in numbers and ("cardinal", "123") in numbers
    assert "Le service social vous rappellera dès que possible." in answer.listened()
    with line.sessions() as session:
        handoff = session.scalars(select(Handoff)).one()
        assert handoff.urgent and handoff.channel == "voice"
        assert handoff.summary.get("callback") is True
        assert handoff.reason == "danger"


def test_a_person_in_office_hours_is_a_transfer_showing_the_company_number(
    line: Channels,
) -> None:
    call_sid = start_call(line)
    answer = pressed(line, call_sid, "0")
    answer = pressed(line, call_sid, "4")
    dial = answer.root.find("Dial")
    assert dial is not None, answer.root
    assert dial.findtext("Number") == "+3220000011"
    assert dial.get("callerId") == LINE
    assert "Je vous passe le service social." in answer.spoken()
    assert "ici" not in answer.spoken()
    handoff_id = _only_handoff(line).id
    over = Twiml.of(
        voice(
            line,
            "/webhooks/voice/transferred",
            call_sid=call_sid,
            query=f"?handoff={handoff_id}",
            DialCallStatus="completed",
        )
    )
    assert over.hangs_up()
    assert _only_handoff(line).status == "closed"


def test_a_transfer_nobody_answers_becomes_a_callback(line: Channels) -> None:
    call_sid = start_call(line)
    pressed(line, call_sid, "0")
    pressed(line, call_sid, "4")
    handoff_id = _only_handoff(line).id
    over = Twiml.of(
        voice(
            line,
            "/webhooks/voice/transferred",
            call_sid=call_sid,
            query=f"?handoff={handoff_id}",
            DialCallStatus="no-answer",
        )
    )
    assert "Le service social vous rappellera." in over.spoken()
    assert "02 000 00 10" not in over.spoken()  # said as groups, not as the raw string
    handoff = _only_handoff(line)
    assert handoff.status == "waiting" and handoff.reason == "callback"


def test_out_of_hours_a_person_request_is_a_callback_in_the_console(closed_line: Channels) -> None:
    call_sid = start_call(closed_line)
    answer = said(closed_line, call_sid, "une personne")
    assert answer.root.find("Dial") is None
    assert "Le service social vous rappellera à ce numéro." in answer.listened()
    handoff = _only_handoff(closed_line)
    assert (handoff.reason, handoff.channel, handoff.status) == ("callback", "voice", "waiting")


def _only_handoff(desk: Channels) -> Handoff:
    with desk.sessions() as session:
        return session.scalars(select(Handoff)).one()


def test_not_understood_is_asked_again_then_the_keypad_menu_then_a_person(line: Channels) -> None:
    call_sid = start_call(line)
    first = said(line, call_sid, "mumble", confidence="0.1")
    assert "Je n'ai pas compris. Dites-le autrement, en quelques mots." in first.listened()
    second = said(line, call_sid, "mumble", confidence="0.2")
    assert "Utilisez les touches du téléphone." in second.listened()
    assert "Pour activités près de chez vous, tapez 1" in second.listened()
    assert line.rasa.messages()[-1]["message"] == MENU_PAYLOAD
    third = said(line, call_sid, "mumble", confidence="0.1")
    assert "Pour une personne, tapez 1. Ou dites : une personne." in third.listened()
    pressed(line, call_sid, "1")
    assert line.rasa.messages()[-1]["message"] == "/human_handoff"


def test_silence_gets_one_prompt_then_a_goodbye_with_the_company_number(line: Channels) -> None:
    call_sid = start_call(line)
    first = silence(line, call_sid)
    assert "Je n'entends rien. Dites votre question." in first.listened()
    second = silence(line, call_sid)
    assert second.hangs_up()
    goodbye = second.spoken()
    assert goodbye.startswith("Au revoir. Pour parler à une personne, appelez le")
    numbers = [e.text for e in second.root.iter("say-as")]
    assert numbers == ["02", "000", "00", "10"]


def test_a_new_caller_who_says_nothing_hears_goodbye_in_both_languages(line: Channels) -> None:
    call_sid = new_call_sid()
    voice(line, call_sid=call_sid)
    voice(line, "/webhooks/voice/language", call_sid=call_sid)
    last = Twiml.of(voice(line, "/webhooks/voice/language", call_sid=call_sid))
    assert last.hangs_up()
    languages = [say.get("language") for say in last.says()]
    assert languages == ["fr-BE", "nl-BE"]


def test_the_caller_number_is_in_no_log(line: Channels, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    call_sid = start_call(line)
    said(line, call_sid, "école de devoirs à schaerbeek")
    pressed(line, call_sid, "3")
    assert CALLER not in caplog.text
    assert CALLER.removeprefix("+") not in caplog.text
    assert "Schaerbeek" not in caplog.text


def test_danger_while_a_caseworker_holds_the_request_is_still_read_slowly_twice(
    closed_line: Channels,
) -> None:
    call_sid = start_call(closed_line)
    said(closed_line, call_sid, "une personne")
    handoff_id = _only_handoff(closed_line).id
    with closed_line.sessions() as session:
        staff = enrolled_staff(
            email="ana@voice.example", name="Ana", role="caseworker", company_id="voice-company"
        )
        session.add(staff)
        session.flush()
        assert store.claim(session, handoff_id, staff.id)
        session.commit()
    asked = len(closed_line.rasa.messages())
    answer = said(closed_line, call_sid, "je veux me suicider")
    assert len(closed_line.rasa.messages()) == asked  # the caseworker's: Rasa is not asked
    slow = [say for say in answer.root.findall("Say") if say.find("prosody") is not None]
    assert len(slow) == 2
    assert "112" in [element.text for element in slow[0].iter("say-as")]
    assert _only_handoff(closed_line).urgent


def test_hidden_numbers_are_one_conversation_per_call_with_no_sms_or_callback(
    closed_line: Channels,
) -> None:
    first, second = start_call(closed_line, caller="anonymous"), new_call_sid()
    start = voice(closed_line, call_sid=second, caller="anonymous")  # a new caller: choose
    assert "Pour le français, tapez 1." in Twiml.of(start).spoken()
    Twiml.of(
        voice(
            closed_line, "/webhooks/voice/language", call_sid=second, caller="anonymous", Digits="1"
        )
    )
    senders = set()
    for call_sid in (first, second):
        Twiml.of(
            voice(
                closed_line,
                "/webhooks/voice/turn",
                call_sid=call_sid,
                caller="anonymous",
                SpeechResult="école de devoirs à schaerbeek",
                Confidence="0.9",
            )
        )
        senders.add(closed_line.rasa.messages()[-1]["sender"])
    assert len(senders) == 2  # never another caller's conversation
    sms = Twiml.of(
        voice(closed_line, "/webhooks/voice/turn", call_sid=first, caller="anonymous", Digits="3")
    )
    assert "Votre numéro est masqué. Je ne peux pas vous envoyer de SMS." in sms.listened()
    person = Twiml.of(
        voice(
            closed_line,
            "/webhooks/voice/turn",
            call_sid=first,
            caller="anonymous",
            SpeechResult="une personne",
            Confidence="0.9",
        )
    )
    assert "Le service social ne peut pas vous rappeler." in person.listened()
    assert "vous rappellera" not in person.listened()


def test_a_shared_line_asks_the_company_once_and_the_request_goes_to_its_queue(
    tmp_path: Path,
) -> None:
    for desk in _line(tmp_path, "voice_shared.yml"):
        call_sid = new_call_sid()
        voice(desk, call_sid=call_sid)
        question = Twiml.of(voice(desk, "/webhooks/voice/language", call_sid=call_sid, Digits="2"))
        assert question.gather is not None
        assert question.gather.get("action", "").endswith("/webhooks/voice/company")
        assert question.gather.get("input") == "dtmf"
        spoken = question.listened()
        assert "Bij welke huisvestingsmaatschappij huurt u?" in spoken
        assert "Voor Woning Alfa, druk op 1." in spoken
        assert "Voor Haard Beta, druk op 2." in spoken  # no bracketed remark
        greeting = Twiml.of(voice(desk, "/webhooks/voice/company", call_sid=call_sid, Digits="2"))
        assert "Hallo." in greeting.listened()
        said(desk, call_sid, "une personne")
        assert _only_handoff(desk).company_id == "company-b"
        again = Twiml.of(voice(desk, call_sid=new_call_sid()))  # the next call: not asked
        assert "Hallo." in again.listened()


def test_a_shared_line_goes_on_without_a_company_when_no_key_comes(tmp_path: Path) -> None:
    for desk in _line(tmp_path, "voice_shared.yml"):
        call_sid = start_call(desk)
        first = Twiml.of(voice(desk, "/webhooks/voice/company", call_sid=call_sid))
        assert "Chez quelle société de logement êtes-vous locataire ?" in first.listened()
        second = Twiml.of(voice(desk, "/webhooks/voice/company", call_sid=call_sid, Digits="7"))
        assert "Bonjour." in second.listened()  # never stuck on the question


def test_a_danger_sentence_recognised_with_low_confidence_is_not_asked_again(
    line: Channels,
) -> None:
    call_sid = start_call(line)
    answer = said(line, call_sid, "je ne veux plus vivre", confidence="0.2")
    assert "Je n'ai pas compris" not in answer.spoken()
    assert len([say for say in answer.root.findall("Say") if say.find("prosody") is not None]) == 2
