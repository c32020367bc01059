"""Deterministic danger detection (the safety layer), French and Dutch.

Runs on every tenant message, next to the intent classifier in Rasa and on its own in the
gateway while a caseworker owns the conversation. It can only raise an alarm; nothing
lowers one, except a message that tells of the danger as past and over, or that denies a
fire or a gas smell in so many words. The patterns live
in bot/lexicon/danger.yml.

When the classifier raised the alarm and no phrase matched, `likely_situation` chooses the
line from broader cue words (bot/lexicon/danger_cues.yml) that never raise an alarm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import lexicon
from bot.lexicon.folding import fold

DANGER_CATEGORIES = ("violence", "suicide", "medical", "fire", "gas", "co", "poison", "other")


@dataclass(frozen=True)
class DangerSignal:
    category: str
    matched: str


CompiledCategories = tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]


def _compile(
    patterns: dict[str, tuple[str, ...]], order: tuple[str, ...], source: str
) -> CompiledCategories:
    """Each category's compiled patterns, in `order`; unknown categories are an error."""
    unknown = set(patterns) - set(DANGER_CATEGORIES)
    if unknown:
        raise ValueError(f"{source} has unknown categories: {sorted(unknown)}")
    return tuple(
        (category, tuple(re.compile(p) for p in patterns.get(category, ()))) for category in order
    )


@lru_cache(maxsize=1)
def _compiled() -> CompiledCategories:
    return _compile(lexicon.danger_patterns(), DANGER_CATEGORIES, "danger.yml")


# A danger that is told as past and over ("last month there was a small fire, the firemen
# came and all is fine now; who paints the wall?") is no alarm, unless the message also
# says it may come back or the tenant is afraid now.
PAST = re.compile(
    r"\b(hier|avant hier|gisteren|eergisteren|la semaine (passee|derniere)|"
    r"le mois (passe|dernier)|l an(nee)? (passee?|derniere)|"
    r"il y a (\w+ )?(jours|semaines|mois|ans|an)|(lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche) (passe|dernier)|en (janvier|fevrier|mars|avril|mai|juin|juillet|aout|"
    r"septembre|octobre|novembre|decembre)|vorige (week|maand|jaar|maandag|dinsdag|woensdag|"
    r"donderdag|vrijdag|zaterdag|zondag|keer)|vorig jaar|(\w+ )?(weken|maanden|jaar|dagen) "
    r"geleden|in (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
    r"november|december)|verleden (week|maand|jaar))\b"
)
OVER = re.compile(
    r"\b(tout va bien|va bien|ca va( mieux)?|c est fini|c est (du )?passe|tout est en ordre|"
    r"tout repare|a tout repare|alles is (weer )?(in orde|voorbij|ok|goed)|het gaat (weer )?goed|"
    r"gaat (nu )?(weer )?goed|alles (is )?(hersteld|opgelost)|is (nu )?terug thuis|est rentree?|"
    r"goed verlopen|m a sorti|m ont sorti|(haalde|haalden) (\w+ ){0,2}(me|mij) eruit|"
    r"(heeft|hebben) (me|mij) eruit gehaald|sindsdien (\w+ ){0,3}(niets|niks|geen|alles)|"
    r"depuis (\w+ ){0,3}(plus rien|il n y a plus|tout va)|(c|tout) est eteint|l ont eteint|"
    r"(c est|c etait|est|etait) regle|"
    r"(is|werd) (\w+ ){0,2}opgelost|(alles )?geblust|va mieux|gaat (\w+ )?beter)\b"
)
STILL = re.compile(
    r"\b(peur|bang|revient|reviendra|reviennent|komt terug|terug te komen|terugkomen|ce soir|"
    r"cette nuit|vanavond|vannacht|au secours|help|vite|snel|encore|opnieuw|toujours|nog steeds|"
    r"(weer|terug) (begonnen|bezig))\b"
)


# A smell the tenant puts down to something harmless ("ça sent le moisi partout", "de buren
# roken op de trap en heel de gang stinkt") is no gas leak: no alarm from the classifier,
# which learnt that a smell everywhere is gas. A danger phrase still raises one.
SMELL = re.compile(
    r"\b(sent|sens|sentir|odeurs?|pue|puent|geur|stinkt|stinken|ruikt|ruik|ruiken|stank)\b"
)
HARMLESS_SOURCE = re.compile(
    r"\b(moisi|moisissures?|humidite|egouts?|poubelles?|cigarettes?|tabac|clopes?|fument|"
    r"fumer|schimmel|vocht|vochtig|riool|vuilnis|vuilbak|sigaretten?|roken|tabak|muf)\b"
)


def names_harmless_smell(text: str) -> bool:
    """The message tells of a smell and names a harmless source for it."""
    return _harmless_smell(fold(text))


def _harmless_smell(folded: str) -> bool:
    return bool(SMELL.search(folded) and HARMLESS_SOURCE.search(folded))


def dismisses_classifier_alarm(text: str) -> bool:
    """The message itself says the classifier's alarm is unfounded: a danger past and
    over, or a smell with a harmless source. Phrases are not dismissed this way."""
    folded = fold(text)
    return _past_and_over(folded) or _harmless_smell(folded)


def is_past_and_over(text: str) -> bool:
    """The message tells of a danger as past and over, and of nothing still going on."""
    return _past_and_over(fold(text))


def _past_and_over(folded: str) -> bool:
    return bool(PAST.search(folded) and OVER.search(folded) and not STILL.search(folded))


# A fire or a gas smell the tenant denies in so many words ("pas d'incendie bien sûr",
# "rien n'a pris feu", "geen brand hoor", "ça ne sent pas le gaz") raises no phrase alarm:
# the classifier still can. Only these two: "je ne veux plus vivre" is a denial too. Not
# "niet": "ik durf niet brandweer te bellen" is no denial of a fire.
DENIED = re.compile(r"\b(pas d|pas de|pas du|aucun|aucune|sans|rien n|rien n a|ne|geen)\s*$")
DENIABLE = ("fire", "gas")


def detect_danger(text: str) -> DangerSignal | None:
    """The first danger category whose phrases occur in the message, or None."""
    folded = fold(text)  # once: every pattern and the past-and-over check read it
    if not folded or _past_and_over(folded):
        return None
    for category, patterns in _compiled():
        for pattern in patterns:
            for found in pattern.finditer(folded):
                if category in DENIABLE and DENIED.search(folded[: found.start()]):
                    continue
                return DangerSignal(category, found.group())
    return None


@lru_cache(maxsize=1)
def _compiled_cues() -> CompiledCategories:
    cues = lexicon.danger_cues()
    return _compile(cues, tuple(cues), "danger_cues.yml")  # the file's order breaks ties


def has_cue(text: str) -> bool:
    """The message has a cue word of some situation (blood, smoke, pills...)."""
    folded = fold(text)
    return any(p.search(folded) for _, patterns in _compiled_cues() for p in patterns)


def likely_situation(text: str) -> str:
    """The category whose cue words the message has most of (the earlier one on a tie),
    "other" (the general line) when it has none. Only for a message already in alarm."""
    folded = fold(text)
    best, best_score = "other", 0
    for category, patterns in _compiled_cues():
        score = sum(1 for pattern in patterns if pattern.search(folded))
        if score > best_score:
            best, best_score = category, score
    return best
