"""A tenant who writes English, Arabic (in Arabic script or in Latin letters), Turkish,
Spanish, Portuguese, Romanian or Polish (issue 19): a danger message gets 112 and the
situation's line in that language, with the way to a person, within the SMS budget, and an
urgent handoff is opened; a long message on anything else gets one short line in that
language saying we speak French and Dutch and how to reach a person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.safety import ActionUrgentHelp
from actions.turn import ActionTrackTurn
from bot.channels.sms_render import render_turn
from bot.handoff.safety_texts import danger_reply
from bot.third_languages import safety_text, unsupported_text
from tests.unit.test_actions import make_tracker, run, run_with_gateway

# (language, danger message, its situation, the situation's number, a word of the language)
DANGER = [
    ("en", "My husband is hitting me and I am scared", "violence", "101", "Police"),
    ("ar", "زوجي يضربني وأنا خائفة", "violence", "101", "الشرطة"),
    ("ar", "rajli kaydrebni w ana khayfa", "violence", "101", "الشرطة"),
    ("tr", "Evde gaz kokusu var, çok güçlü", "gas", "0800 19 400", "arayın"),
    ("es", "Mi hijo se ha bebido lejía", "poison", "070 245 245", "Llame"),
    ("pt", "Quero morrer, não aguento mais", "suicide", "0800 32 123", "Ligue"),
    ("ro", "Bucătăria a luat foc, e fum peste tot", "fire", "112", "Sunați"),
    ("pl", "Mój syn zemdlał i nie oddycha", "medical", "112", "Dzwoń"),
]
LONG = [
    ("en", "I need help with the rent of my apartment this month please"),
    ("ar", "أريد مساعدة في دفع الإيجار هذا الشهر من فضلك"),
    ("tr", "Bu ay kira ödemek için yardıma ihtiyacım var lütfen"),
    ("es", "Necesito ayuda para pagar el alquiler de mi piso este mes"),
    ("pt", "Preciso de ajuda para pagar a renda da minha casa este mês"),
    ("ro", "Am nevoie de ajutor pentru a plăti chiria apartamentului luna aceasta"),
    ("pl", "Potrzebuję pomocy z zapłatą czynszu za mieszkanie w tym miesiącu"),
]


@pytest.mark.parametrize(("language", "message", "situation", "number", "word"), DANGER)
def test_danger_in_a_third_language_gets_112_and_its_line_in_that_language(
    monkeypatch, language, message, situation, number, word
):
    tracker = make_tracker(
        intent="urgent_help",
        entities=[{"entity": "danger", "value": situation}],
        text=message,
        slots={"language": "fr"},
    )
    sent: list[dict] = []
    responses, _, received = run_with_gateway(
        ActionUrgentHelp(), tracker, monkeypatch, messages=sent
    )
    assert len(sent) == 1 and responses == [None]  # one text of our own, no French line
    said = sent[0]["text"]
    assert said.index("112") <= said.index(number) and word in said and "PERSONNE" in said
    assert received and received[0]["urgent"] is True  # a person is asked for at once
    assert len(render_turn(sent).parts) <= 2  # as the SMS channel sends it


@pytest.mark.parametrize(("language", "message", "situation", "number", "word"), DANGER)
def test_the_gateway_answers_third_language_danger_in_that_language(
    language, message, situation, number, word
):
    """While a person owns the conversation (or Rasa is down), the gateway answers alone."""
    found = danger_reply(message, "nl")
    assert found is not None and found[0] == situation
    assert "112" in found[1] and number in found[1] and word in found[1]


@pytest.mark.parametrize(("language", "message"), LONG)
def test_a_long_message_in_a_third_language_gets_one_line_in_it_with_a_person(language, message):
    _, sent, _ = run(ActionTrackTurn(), make_tracker(text=message, intent="nlu_fallback"))
    assert [m.get("text") for m in sent] == [unsupported_text(language)]
    assert "PERSONNE" in sent[0]["text"]
    assert len(render_turn(sent).parts) <= 2


def test_a_danger_message_is_not_preceded_by_the_language_line():
    tracker = make_tracker(text="My husband is hitting me and I am scared", intent="urgent_help")
    _, sent, _ = run(ActionTrackTurn(), tracker)
    assert sent == []


def test_the_classifiers_alarm_on_a_third_language_message_is_answered_in_it(monkeypatch):
    """No phrase matched, but the classifier raised the alarm (it may add one, never remove
    one): the tenant still reads 112 and the way to a person in their own language."""
    message = "Preciso de ajuda para pagar a renda da minha casa este mês"
    tracker = make_tracker(intent="urgent_help", text=message, slots={"language": "fr"})
    sent: list[dict] = []
    run_with_gateway(ActionUrgentHelp(), tracker, monkeypatch, messages=sent)
    assert [m.get("text") for m in sent] == [safety_text("pt", "other")]


def test_every_text_has_two_independent_back_translations_that_keep_its_numbers():
    """data/translations/: the drafting author's back-translation into French and a second
    one by a reviewer who saw only the foreign texts; both keep every number and PERSONNE."""
    folder = Path(__file__).resolve().parents[2] / "data" / "translations"
    first = yaml.safe_load((folder / "third_languages_back.yml").read_text(encoding="utf-8"))
    second = yaml.safe_load(
        (folder / "third_languages_back_independent.yml").read_text(encoding="utf-8")
    )
    independent = {(t["language"], t["key"]): t["back_translation_fr"] for t in second["texts"]}
    assert set(independent) == {(t["language"], t["key"]) for t in first["texts"]}
    for text in first["texts"]:
        numbers = re.findall(r"\d[\d ]*\d|\d", text["text"])
        back = independent[(text["language"], text["key"])]
        assert [n for n in numbers if n not in back] == [], (text["language"], text["key"])
        assert ("PERSONNE" in text["text"]) == ("PERSONNE" in back)
