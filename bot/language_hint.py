"""A cheap French-or-Dutch guess from common short words, for the gateway when Rasa (and
its language identifier) cannot be asked: a safety message to a tenant whose language is
not known yet goes out in the language the message was written in, or in both."""

from __future__ import annotations

from bot.lexicon.folding import fold

# Short words frequent in one language and rare in the other (folded: no accents).
FRENCH_WORDS = (
    "je j il elle ils elles on nous vous mon ma mes ton ta son sa est suis sont veut veux va "
    "peux pas ne de du des la le les un une et au aux avec chez moi toi lui qui que aide aidez"
)
DUTCH_WORDS = (
    "ik mij mijn jij hij zij ze we wij is ben zijn wil gaat niet geen de het een en met bij "
    "thuis wie wat help helpen hulp"
)
_FRENCH = frozenset(FRENCH_WORDS.split())
_DUTCH = frozenset(DUTCH_WORDS.split())


def likely_language(message: str) -> str | None:
    """ "fr" or "nl" when the message's common words lean clearly one way, else None."""
    words = fold(message).split()
    french = sum(word in _FRENCH for word in words)
    dutch = sum(word in _DUTCH for word in words)
    if french > dutch:
        return "fr"
    if dutch > french:
        return "nl"
    return None
