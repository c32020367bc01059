"""Text made for the ear: what the phone line speaks (bot/channels/voice.py).

A bot message written for a screen is turned into short spoken sentences: no URL, emoji or
symbol; "write" becomes "say"; abbreviations are said in full; phone numbers are read in
groups the way people say them, through SSML `say-as` (Amazon Polly reads "cardinal" and
"digits" in French and Dutch, neural voices included). A spoken sentence is a list of
segments that bot/channels/voice_twiml.py turns into a `<Say>`'s text and SSML."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A phone number as the texts write it: "0800 32 123", "070 245 245", "02 000 00 10", or
# a short number ("112", "1813"); groups of digits separated by spaces, dots or slashes.
# Short numbers are the three-digit service numbers and 1813 (not postcodes like 1030).
PHONE = re.compile(r"(?<![\d,.])(0\d{1,3}(?:[ ./]\d{2,4}){1,4}|0\d{8,9}|1\d{2}|1813)(?!\d|[,.:]\d)")
URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# A menu line inside a text ("9 Plus de résultats"): the options are read from the buttons.
MENU_LINE = re.compile(r"^\s*\d\s+\S.*$", re.MULTILINE)
# A numbered result ("1. Club de foot"): read one at a time.
RESULT_START = re.compile(r"^\s*(\d{1,2})\.\s+", re.MULTILINE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# "envoyez PERSONNE", "Stuur STOP HERINNERING", "tapez FR": a keyword typed on a keyboard.
KEYWORD_INSTRUCTION = re.compile(r"\b(?i:envoyez|écrivez|tapez|stuur|schrijf|typ)\s+[A-Z]{2,}")
# Hours and dates as the results write them ("14h30", "14.30", "7/12"), said in words.
HOUR_FR = re.compile(r"(?<![\d.])(\d{1,2})h(\d{2})?(?!\d)")
HOUR_NL = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}

# Words written for a screen, and what is said instead (whole words, case kept).
SPOKEN_WORDS = {
    "fr": {
        "Écrivez": "Dites",
        "écrivez": "dites",
        "Écrire": "Dire",
        "écrire": "dire",
        "Tél.": "Téléphone :",
        "tél.": "téléphone",
        "Répondez": "Dites",
        "répondez": "dites",
        "€": "euros",
    },
    "nl": {
        "Schrijf": "Zeg",
        "schrijf": "zeg",
        "Tel.": "Telefoon:",
        "tel.": "telefoon",
        "Antwoord": "Zeg",
        "€": "euro",
    },
}
# Characters said as nothing (symbols a voice would spell or skip unpredictably).
SILENT = str.maketrans({character: " " for character in "*#_~|<>[]{}^→←•►▶✓✔"})


@dataclass(frozen=True)
class Segment:
    """Plain words, a number said as `kind` ("cardinal" or "digits"), or a pause (ms)."""

    words: str = ""
    kind: str | None = None
    pause_ms: int = 0


Sentence = list[Segment]


def plain(text: str, language: str) -> str:
    """The words to say, without what a voice cannot say: URLs, emoji, symbols, the
    menu lines of a screen."""
    text = URL.sub("", text)
    text = MENU_LINE.sub("", text)
    text = "".join(ch for ch in text if not _is_emoji(ch)).translate(SILENT)
    for written, said in SPOKEN_WORDS["nl" if language == "nl" else "fr"].items():
        text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", said, text)
    text = _times_in_words(text, language)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    return text


def _times_in_words(text: str, language: str) -> str:
    """ "14h30-16h" -> "14 heures 30 à 16 heures"; "14.30-16.00" -> "14 uur 30 tot 16 uur";
    "7/12" -> "7 décembre"."""
    dutch = language == "nl"
    months = MONTHS["nl" if dutch else "fr"].split()

    def hour(found: re.Match[str]) -> str:
        minutes = found.group(2)
        word = "uur" if dutch else "heures"
        return f"{found.group(1)} {word}" + (f" {minutes}" if minutes and minutes != "00" else "")

    def day(found: re.Match[str]) -> str:
        month = int(found.group(2))
        return f"{found.group(1)} {months[month - 1]}" if 1 <= month <= 12 else found.group(0)

    text = DAY_MONTH.sub(day, text)
    if dutch:
        text = HOUR_NL.sub(hour, text)
        return re.sub(
            r"(?<=uur)( \d{2})?\s*-\s*(?=\d)", lambda m: (m.group(1) or "") + " tot ", text
        )
    text = HOUR_FR.sub(hour, text)
    return re.sub(r"(heures( \d{2})?)\s*-\s*(?=\d)", lambda m: m.group(1) + " à ", text)


def _is_emoji(character: str) -> bool:
    category = unicodedata.category(character)
    return (
        category == "So"
        or (category == "Cn" and ord(character) > 0x2000)
        or ord(character) in (0xFE0F, 0x200D)
    )


def sentences(text: str, language: str) -> list[str]:
    """One spoken sentence per line or sentence end, without empty ones, and without the
    instructions for a keyboard ("envoyez STOP RAPPEL"): the call offers its own keys."""
    found = []
    for line in plain(text, language).split("\n"):
        found += [part.strip() for part in SENTENCE_END.split(line) if part.strip()]
    return [_with_end(sentence) for sentence in found if not KEYWORD_INSTRUCTION.search(sentence)]


def _with_end(sentence: str) -> str:
    """A sentence ends with a stop, so that the voice pauses after it (a heading's colon
    too: "Sport à Jette :" is said as a sentence)."""
    sentence = re.sub(r"\s*:$", ".", sentence)
    return sentence if sentence[-1] in ".!?" else sentence + "."


def results(text: str) -> tuple[str, list[str]]:
    """A search answer split into its header and its numbered results (without their
    numbers); no results: the text and an empty list."""
    starts = list(RESULT_START.finditer(text))
    if len(starts) < 1:
        return text, []
    header = text[: starts[0].start()]
    items = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        items.append(text[start.end() : end].strip())
    return header, items


def segments(sentence: str) -> Sentence:
    """A sentence with its phone numbers read in groups: a group that starts with 0 digit
    by digit, any other as a number; a short pause between groups."""
    found: Sentence = []
    position = 0
    for number in PHONE.finditer(sentence):
        if number.start() > position:
            found.append(Segment(sentence[position : number.start()]))
        found += number_segments(number.group(0))
        position = number.end()
    if position < len(sentence):
        found.append(Segment(sentence[position:]))
    return found


def number_segments(number: str) -> Sentence:
    groups = [group for group in re.split(r"[ ./]", number) if group]
    if len(groups) == 1 and not groups[0].startswith("0"):
        short = groups[0]
        # "1813" is said "18 13"; "112" is "cent douze" / "honderdtwaalf"
        groups = [short[:2], short[2:]] if len(short) == 4 else [short]
    elif len(groups) == 1:  # "0800123456" without spaces: in pairs after the prefix
        digits = groups[0]
        groups = [digits[:4]] + [digits[i : i + 2] for i in range(4, len(digits), 2)]
    found: Sentence = []
    for index, group in enumerate(groups):
        if index:
            found.append(Segment(pause_ms=250))
        found.append(Segment(group, "digits" if group.startswith("0") else "cardinal"))
    return found


def words_of(sentence: Sentence) -> str:
    """What a sentence says, as text (for tests, `make chat` and the plain-language
    check)."""
    return "".join(segment.words for segment in sentence if segment.words)
