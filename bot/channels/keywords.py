"""SMS keywords. They count only as the whole message (any case, accents, spaces and a
final dot allowed): "stop" inside a sentence is not an opt-out."""

from __future__ import annotations

from enum import Enum

from bot.lexicon.folding import fold


class Keyword(Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    FRENCH = "fr"
    DUTCH = "nl"
    MENU = "menu"
    ERASE = "erase"
    ERASE_CONFIRMED = "erase_confirmed"  # during a handoff, where the bot cannot ask
    PERSON = "person"  # a person, even when the bot is what fails (bot/handoff/direct.py)
    STOP_REMINDERS = "stop_reminders"  # cancels reminders only (bot/reminders)


# In every reminder; a bare STOP is the SMS opt-out (and Twilio's own), which ends them too.
REMINDER_STOPS = (
    "stop rappel",
    "stop rappels",
    "rappel stop",
    "rappels stop",
    "stop herinnering",
    "stop herinneringen",
    "herinnering stop",
    "herinneringen stop",
)
WORDS: dict[str, Keyword] = {
    **dict.fromkeys(("stop", "arret", "stoppen", "uit", "unsubscribe"), Keyword.OPT_OUT),
    **dict.fromkeys(("start", "debut", "begin", "unstop"), Keyword.OPT_IN),
    **dict.fromkeys(("aide", "hulp", "help", "info"), Keyword.HELP),
    "fr": Keyword.FRENCH,
    "nl": Keyword.DUTCH,
    **dict.fromkeys(("0", "menu"), Keyword.MENU),
    **dict.fromkeys(("effacer", "wissen"), Keyword.ERASE),
    **dict.fromkeys(("effacer oui", "wissen ja"), Keyword.ERASE_CONFIRMED),
    **dict.fromkeys(("personne", "mens", "humain"), Keyword.PERSON),
    **dict.fromkeys(REMINDER_STOPS, Keyword.STOP_REMINDERS),
}


def keyword(text: str) -> Keyword | None:
    return WORDS.get(fold(text))
