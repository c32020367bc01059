"""The step-by-step digital-help guides (bot/guides/guides.yml, issue 7) as a tenant reads
them: every text in French and Dutch, plain language (the thresholds of
test_plain_language.py), one short SMS per step with the navigation footer, no number, link
or address anyone could mistake for a real one, and the fraud rule said plainly."""

from __future__ import annotations

import re

import pytest

from bot.guides import LANGUAGES, UI_NAMES, guides, step_count, step_text, ui_text
from bot.sms_rules import MAX_SEGMENTS, measure, numbered_menu
from tests.gateway.test_plain_language import (
    assert_plain_language,
    sentences,
)

ISSUE_GUIDES = {
    "email_address",
    "video_call",
    "photo_document",
    "fraud",
    "public_computer",
    "online_form",
}
MIN_STEPS, MAX_STEPS, MAX_TITLE, MAX_FOOTER = 4, 7, 30, 40
URL = re.compile(r"https?:|www\.|\w\.(?:be|com|org|net|eu|brussels)\b", re.IGNORECASE)
EMAIL = re.compile(r"\S@\S")
NAVIGATION = re.compile(r"\b(?:suite|répéter|menu|verder|herhalen)\b", re.IGNORECASE)


def step_texts() -> list[tuple[str, str, str]]:
    return [
        (f"{g.id}:{n + 1}", language, step[language])
        for g in guides().values()
        for n, step in enumerate(g.steps)
        for language in LANGUAGES
    ]


def all_texts() -> list[tuple[str, str, str]]:
    titles = [
        (f"{g.id}:title", lang, g.titles[lang]) for g in guides().values() for lang in LANGUAGES
    ]
    ui = [(f"ui:{name}", lang, ui_text(name, lang)) for name in UI_NAMES for lang in LANGUAGES]
    return step_texts() + titles + ui


STEPS, TEXTS = step_texts(), all_texts()


def test_the_six_guides_of_the_issue():
    assert set(guides()) == ISSUE_GUIDES
    assert all(re.fullmatch(r"[a-z]+(?:_[a-z]+)*", guide_id) for guide_id in guides())


@pytest.mark.parametrize("guide_id", sorted(ISSUE_GUIDES))
def test_every_guide_is_in_french_and_dutch_with_the_same_steps(guide_id):
    guide = guides()[guide_id]
    assert set(guide.titles) == set(LANGUAGES)
    for number, step in enumerate(guide.steps, start=1):
        assert set(step) == set(LANGUAGES), f"step {number}: {sorted(step)}"
        assert all(step[language].strip() for language in LANGUAGES), f"step {number} empty"


@pytest.mark.parametrize("guide_id", sorted(ISSUE_GUIDES))
def test_every_guide_has_four_to_seven_steps(guide_id):
    assert MIN_STEPS <= step_count(guide_id) <= MAX_STEPS


@pytest.mark.parametrize("guide_id", sorted(ISSUE_GUIDES))
def test_titles_are_short_enough_for_a_menu(guide_id):
    for language in LANGUAGES:
        title = guides()[guide_id].title(language)
        assert len(title) <= MAX_TITLE, f"{language}: {title!r} ({len(title)} characters)"


@pytest.mark.parametrize("guide_id", sorted(ISSUE_GUIDES))
def test_the_last_step_says_what_to_do_next_in_one_sentence(guide_id):
    for language in LANGUAGES:
        last = step_text(guide_id, step_count(guide_id) - 1, language)
        assert len(sentences(last)) == 1, f"{language}: {last!r}"


@pytest.mark.parametrize(
    ("name", "language", "text"), TEXTS, ids=[f"{name}-{lang}" for name, lang, _ in TEXTS]
)
def test_every_text_is_plain_language(name, language, text):
    assert_plain_language(text, language)


@pytest.mark.parametrize(
    ("name", "language", "text"), TEXTS, ids=[f"{name}-{lang}" for name, lang, _ in TEXTS]
)
def test_every_text_is_gsm7(name, language, text):
    """One ê, ç or curly apostrophe would make the SMS Unicode: 70 characters a segment."""
    assert measure(text).gsm7, f"not GSM-7: {[c for c in text if not measure(c).gsm7]}"


@pytest.mark.parametrize(
    ("name", "language", "text"), STEPS, ids=[f"{name}-{lang}" for name, lang, _ in STEPS]
)
def test_every_step_with_the_sms_footer_fits_the_budget(name, language, text):
    longest = max(step_count(guide_id) for guide_id in guides())
    progress = ui_text("progress", language).format(step=longest, total=longest)
    shown = "\n".join((progress, text, ui_text("footer", language)))
    size = measure(shown)
    assert size.gsm7 and size.segments <= MAX_SEGMENTS, f"{size}: {shown!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_of_guides_fits_the_sms_budget(language):
    titles = [guide.title(language) for guide in guides().values()]
    size = measure("\n".join((ui_text("intro", language), numbered_menu(titles))))
    assert size.gsm7 and size.segments <= MAX_SEGMENTS, size


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sms_footer_offers_next_repeat_and_menu_in_few_characters(language):
    footer = ui_text("footer", language)
    assert len(footer) < MAX_FOOTER and measure(footer).gsm7
    assert re.findall(r"\b\d\b", footer) == ["1", "2", "0"]
    buttons = [ui_text(f"button_{name}", language) for name in ("next", "repeat", "menu")]
    assert all(button in footer for button in buttons), (buttons, footer)


@pytest.mark.parametrize(
    ("name", "language", "text"), STEPS, ids=[f"{name}-{lang}" for name, lang, _ in STEPS]
)
def test_steps_leave_the_navigation_to_the_channel(name, language, text):
    assert not NAVIGATION.search(text), text


@pytest.mark.parametrize(
    ("name", "language", "text"), TEXTS, ids=[f"{name}-{lang}" for name, lang, _ in TEXTS]
)
def test_no_number_link_or_email_address_anyone_could_call_or_open(name, language, text):
    """The guides need no number (CONTENT.md: never invent one); only the footer has digits
    (the keys 1, 2, 0) and the progress line gets its digits from the caller."""
    if name != "ui:footer":
        assert not re.search(r"\d", text), text
    assert not URL.search(text), text
    assert not EMAIL.search(text), text


@pytest.mark.parametrize(
    ("language", "never", "secret"), [("fr", "jamais", "code"), ("nl", "nooit", "code")]
)
def test_the_fraud_guide_says_never_to_give_codes(language, never, secret):
    said = [step[language].lower() for step in guides()["fraud"].steps]
    assert any(never in text and secret in text for text in said), said
    password = {"fr": r"mots? de passe", "nl": r"wachtwoord"}[language]
    assert any(re.search(password, text) for text in said), f"no {password!r} in the guide"


def test_an_unknown_guide_is_named_in_the_error():
    with pytest.raises(KeyError, match="no_such_guide"):
        step_text("no_such_guide", 0, "fr")
    with pytest.raises(KeyError, match="no_such_guide"):
        step_count("no_such_guide")


def test_an_unknown_language_step_or_text_is_a_clear_error():
    with pytest.raises(ValueError, match="'en'"):
        step_text("fraud", 0, "en")
    with pytest.raises(IndexError, match="fraud"):
        step_text("fraud", step_count("fraud"), "fr")
    with pytest.raises(KeyError, match="no_such_text"):
        ui_text("no_such_text", "nl")
    with pytest.raises(ValueError, match="'de'"):
        ui_text("footer", "de")


def test_the_guides_are_loaded_once():
    assert guides() is guides()
