"""Plain language (A2/B1) for everything the assistant says: the domain's responses and the
gateway's own texts, in French and Dutch. Per text: no sentence over 15 words, at most 12
words per sentence on average, and, for texts long enough for the formula to mean something
(10 words or more), a reading ease of at least 60: Kandel-Moles for French, Flesch-Douma
for Dutch (textstat; syllables from pyphen's hyphenation dictionaries). 60 is the bottom of
"fairly easy" on both scales, which A2/B1 texts reach. A text that fails is rewritten; the
thresholds stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
import yaml

from bot.texts import TEXTS

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
MAX_WORDS_PER_SENTENCE, MAX_AVERAGE_WORDS, MIN_READING_EASE, SCORED_FROM_WORDS = 15, 12, 60, 10
# Placeholders at typical values (a commune, a category; results are checked where built).
PLACEHOLDERS = {
    "commune_name": "Jette",
    "activity_label": "sport",
    "results": "",
    "when": "demain à 9 h",
    "category": "sport",
}


def texts() -> list[tuple[str, str, str]]:
    found = []
    for name, variations in RESPONSES.items():
        for variation in variations:
            language = next(c["value"] for c in variation["condition"] if c["name"] == "language")
            found.append((name, language, variation["text"]))
    for name, languages in TEXTS.items():
        found += [(f"gateway:{name}", language, text) for language, text in languages.items()]
    return found


def filled(text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS.get(m.group(1), "Jette"), text)


def sentences(text: str) -> list[str]:
    """Sentences, a line of a list or a menu counting as one."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [part for part in parts if re.search(r"\w", part)]


def words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


@pytest.mark.parametrize(
    ("name", "language", "text"), texts(), ids=[f"{n}-{lang}" for n, lang, _ in texts()]
)
def test_every_text_is_plain_language(name: str, language: str, text: str):
    assert_plain_language(filled(text), language)


def assert_plain_language(text: str, language: str) -> None:
    """The thresholds above, for one text (the guides' test uses it too)."""
    lengths = [len(words(sentence)) for sentence in sentences(text)]
    assert max(lengths) <= MAX_WORDS_PER_SENTENCE, f"a sentence of {max(lengths)} words"
    assert sum(lengths) / len(lengths) <= MAX_AVERAGE_WORDS
    if len(words(text)) >= SCORED_FROM_WORDS:
        textstat.set_lang(language)
        ease = textstat.flesch_reading_ease(text)
        assert ease >= MIN_READING_EASE, f"reading ease {ease:.0f} < {MIN_READING_EASE}"


def test_the_scores_tell_plain_from_officialese():
    """The check is not vacuous: administrative prose fails it in both languages."""
    officialese = {
        "fr": "L'introduction d'une demande de mutation nécessite la communication préalable "
        "de l'intégralité des justificatifs administratifs réglementairement exigibles.",
        "nl": "De indiening van een mutatieaanvraag vereist de voorafgaande overmaking van "
        "alle reglementair vereiste administratieve bewijsstukken.",
    }
    for language, text in officialese.items():
        textstat.set_lang(language)
        assert textstat.flesch_reading_ease(text) < MIN_READING_EASE
