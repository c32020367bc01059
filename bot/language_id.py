"""Language identification for tenant messages with lingua, restricted to the languages
we expect in Brussels' social housing, so that a confident answer means something.

French and Dutch are the languages the assistant speaks; the others are there so that a
message in English or Arabic is recognised as "not French or Dutch" instead of being
forced into one of the two."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.lexicon import (
    explicit_language_request,
    language_function_words,
    language_short_words,
)
from bot.lexicon.folding import folded_words

SUPPORTED = ("fr", "nl")
_EXPECTED = {
    Language.FRENCH: "fr",
    Language.DUTCH: "nl",
    Language.ENGLISH: "en",
    Language.ARABIC: "ar",
    Language.TURKISH: "tr",
    Language.SPANISH: "es",
    Language.PORTUGUESE: "pt",
    Language.POLISH: "pl",
    Language.ROMANIAN: "ro",
}
# A message must be this long and this clear to count as "clearly in a language":
# one-word messages ("ok", "merci", "1", a name, a commune) never are. Measured on the
# training data: with 4 words and a 0.9 French/Dutch share, 1 error in 1,592 messages.
RELIABLE_MIN_WORDS = 4
RELIABLE_MIN_SHARE = 0.9
OTHER_MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class LanguageGuess:
    code: str | None  # "fr", "nl", another ISO 639-1 code, or None (nothing to identify)
    confidence: float  # for fr/nl: the share of the two; otherwise lingua's confidence
    reliable: bool  # long and clear enough to switch the conversation's language
    explicit: bool = False  # the whole message names a language ("NL", "français")
    # Everyday short words of one language only ("dag", "bjr"): enough to start a
    # conversation in it, never to switch one
    by_short_words: bool = False

    @property
    def supported(self) -> bool:
        return self.code in SUPPORTED

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 3),
            "reliable": self.reliable,
            "explicit": self.explicit,
            "by_short_words": self.by_short_words,
        }


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*_EXPECTED).with_preloaded_language_models().build()
    )


def identify(text: str) -> LanguageGuess:
    """Guess the language of one message."""
    requested = explicit_language_request(text)
    if requested:
        return LanguageGuess(requested, 1.0, reliable=True, explicit=True)
    words = [word for word in folded_words(text) if not word.isdigit()]
    if not words:
        return LanguageGuess(None, 0.0, reliable=False)
    hinted = _short_word_language(words)
    if hinted and len(words) < RELIABLE_MIN_WORDS:
        return LanguageGuess(hinted, 0.75, reliable=False, by_short_words=True)
    values = {
        _EXPECTED[value.language]: float(value.value)
        for value in _detector().compute_language_confidence_values(text)
    }
    if not values:
        return LanguageGuess(None, 0.0, reliable=False)
    long_enough = len(words) >= RELIABLE_MIN_WORDS
    top = max(values, key=values.__getitem__)
    if top not in SUPPORTED and values[top] >= OTHER_MIN_CONFIDENCE:
        return LanguageGuess(top, values[top], reliable=long_enough)
    french, dutch = values.get("fr", 0.0), values.get("nl", 0.0)
    code = "fr" if french >= dutch else "nl"
    share = max(french, dutch) / (french + dutch) if french + dutch else 0.0
    grammar = _vote(words, language_function_words())
    if share < RELIABLE_MIN_SHARE:  # unsure: grammar words may tell
        guess = grammar or code
        return LanguageGuess(guess, share, reliable=False, by_short_words=hinted == guess)
    if grammar is not None and grammar != code:
        # "cest a Schaerbeek au rez de chaussee": no accents and Flemish names fool the
        # statistics; the grammar words disagree, so this message switches nothing
        return LanguageGuess(code, share, reliable=False)
    # a sentence with everyday words of its language ("bonjour je cherche ...") tells it
    told = hinted == code
    return LanguageGuess(code, share, reliable=long_enough, by_short_words=told)


def _short_word_language(words: list[str]) -> str | None:
    """The language whose everyday short words the message uses, if only one does."""
    return _vote(words, language_short_words())


def _vote(words: list[str], vocabularies: dict[str, frozenset[str]]) -> str | None:
    """The language whose words the message uses most, if one does more than the other."""
    votes = {
        code: sum(word in vocabulary for word in words) for code, vocabulary in vocabularies.items()
    }
    best = max(votes, key=votes.__getitem__)
    tied = [code for code, count in votes.items() if count == votes[best]]
    return best if votes[best] and len(tied) == 1 else None


def warm_up() -> None:
    """Load the language models now rather than on the first tenant message."""
    _detector()
