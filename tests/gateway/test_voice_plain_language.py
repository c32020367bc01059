"""Everything the phone line says, checked like the SMS texts (tests/gateway/
test_plain_language.py: sentence length and reading ease) and for the ear: no URL, no
emoji, no symbol a voice would spell, no raw menu payload, no screen instruction ("write",
"send PERSONNE"). Checked: the line's own texts, and every response of the domain as the
call speaks it (its buttons read as "for X, press N or say X")."""

from __future__ import annotations

import re

import pytest

from bot.channels.voice_render import option_sentences, spoken_turn
from bot.channels.voice_texts import VOICE_TEXTS
from bot.sms_rules import menu_keys
from tests.gateway.test_plain_language import RESPONSES, assert_plain_language, filled

URL = re.compile(r"https?://|www\.|\.be\b|\.com\b|\.org\b", re.IGNORECASE)
PAYLOAD = re.compile(r"(?<!\w)/[a-z_]+")
SYMBOLS = re.compile(r"[*#_~|<>\[\]{}^→←•►▶✓✔@]")
# Keyboard instructions: write, click, or send/type a keyword ("envoyez PERSONNE").
SCREEN_WORDS = {
    "fr": re.compile(r"\b(?:[ée]crivez|cliquez|(?:envoyez|tapez) [A-Z]{2,})"),
    "nl": re.compile(r"\b(?:[Ss]chrijf\b|[Kk]lik|(?:[Ss]tuur|[Tt]yp) [A-Z]{2,})"),
}
FILLED = {
    "key": "1",
    "words": "une personne",
    "count": "3",
    "phone": "02 000 00 10",
    "company": "Logis Alpha",
}


def _emoji(text: str) -> bool:
    return any(ord(character) >= 0x1F000 or 0x2600 <= ord(character) < 0x27C0 for character in text)


def line_texts() -> list[tuple[str, str, str]]:
    return [
        (f"voice:{name}", language, text.format(**FILLED))
        for name, languages in VOICE_TEXTS.items()
        for language, text in languages.items()
    ]


def domain_as_spoken() -> list[tuple[str, str, str]]:
    found = []
    for name, variations in RESPONSES.items():
        for variation in variations:
            language = next(c["value"] for c in variation["condition"] if c["name"] == "language")
            message = {"text": filled(variation["text"]), "buttons": variation.get("buttons", [])}
            turn = spoken_turn([message], language)
            sentences = [sentence for block, _ in turn.said for sentence in block]
            sentences += [sentence for item in turn.items for sentence in item]
            sentences += option_sentences(turn.options, language)
            if sentences:
                found.append((name, language, " ".join(sentences)))
    return found


SPOKEN = line_texts() + domain_as_spoken()


@pytest.mark.parametrize(
    ("name", "language", "text"), SPOKEN, ids=[f"{n}-{lang}" for n, lang, _ in SPOKEN]
)
def test_every_spoken_text_is_plain_and_made_for_the_ear(name: str, language: str, text: str):
    assert_plain_language(text, language)
    assert not URL.search(text), "a URL"
    assert not _emoji(text), "an emoji"
    assert not SYMBOLS.search(text), "a symbol"
    assert not PAYLOAD.search(text), "a raw menu payload"
    assert not SCREEN_WORDS[language].search(text), "an instruction for a screen"


def test_the_check_catches_what_a_screen_text_would_say():
    """Not vacuous: a chat text with a link, an emoji and a payload fails it."""
    turn = spoken_turn(
        [{"text": "Écrivez /human_handoff ou voyez https://x.org 😀", "buttons": []}], "fr"
    )
    raw = "Écrivez /human_handoff ou voyez https://x.org 😀"
    assert URL.search(raw) and PAYLOAD.search(raw) and _emoji(raw)
    spoken = " ".join(s for block, _ in turn.said for s in block)
    assert not URL.search(spoken) and not _emoji(spoken)
    assert spoken.startswith("Dites")


def test_menu_keys_are_read_as_the_sms_menu_numbers_them():
    buttons = [("Oui", "/affirm"), ("Plus de résultats", "/more_results"), ("Non", "/deny")]
    keys = menu_keys(payload for _, payload in buttons)
    options = [(key, payload, title) for key, (title, payload) in zip(keys, buttons, strict=True)]
    assert option_sentences(options, "fr") == [
        "Pour oui, tapez 1. Ou dites : oui.",
        "Pour plus de résultats, tapez 9. Ou dites : plus de résultats.",
        "Pour non, tapez 2. Ou dites : non.",
    ]
