"""When the conversation's language changes (../shared/ARCHITECTURE.md, "Languages").

The language is sticky. It changes on an explicit request, or on a long message that is
clearly in the other language; never on "ok", "merci", "1", a name or a commune. The
first message of a conversation is answered in its own language when it tells one (a
clear sentence, or everyday words of one language: "dag", "bjr"), whatever the channel's
hint (Telegram's interface language, a stored contact language); the hint decides only
when the message does not."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = ("fr", "nl")
# A first message with no hint and no clear language: a guess this sure, else French (the
# region's majority language; "NL" switches at once). "ecole de devoir molenbeek" is 0.51.
FIRST_GUESS_MIN = 0.6
# "je comprends pas le néerlandais", "ik spreek geen Frans": the named language is the
# one the tenant does NOT want.
_NEGATIONS = frozenset({"pas", "ne", "n", "geen", "niet", "nie", "ni", "not", "don", "dont"})


@dataclass(frozen=True)
class TurnLanguage:
    current: str  # the slot's value before this message
    intent: str | None
    guess: dict  # bot.language_id.LanguageGuess.as_dict() of this message
    target_entity: str | None  # target_language entity of this message
    hint: str | None  # the gateway's language_hint metadata
    first_message: bool
    words: tuple[str, ...] = ()  # the message's folded words


def other_language(language: str) -> str:
    return "nl" if language == "fr" else "fr"


def next_language(turn: TurnLanguage) -> str:
    """The conversation's language after this message."""
    code = turn.guess.get("code")
    if turn.intent == "change_language" or turn.guess.get("explicit"):
        if turn.target_entity in SUPPORTED:
            negated = any(word in _NEGATIONS for word in turn.words)
            return other_language(turn.target_entity) if negated else turn.target_entity
        if turn.guess.get("explicit") and code in SUPPORTED:
            return code
        return other_language(turn.current)
    if turn.first_message:
        tells = turn.guess.get("reliable") or turn.guess.get("by_short_words")
        if tells and code in SUPPORTED:
            return code
        if turn.hint in SUPPORTED:
            return turn.hint
        if code in SUPPORTED and float(turn.guess.get("confidence") or 0) >= FIRST_GUESS_MIN:
            return code
        return turn.current
    if turn.guess.get("reliable") and code in SUPPORTED:
        return code
    return turn.current


def is_unsupported_language(guess: dict) -> bool:
    """A long message clearly in a language the assistant does not speak."""
    return bool(guess.get("reliable")) and guess.get("code") not in (*SUPPORTED, None)
