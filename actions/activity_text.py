"""Activity search results as short plain text, in French or Dutch.

One result: its name; the day, date and hours of its next session; the place; the phone
and whether it is free. Everything comes from the directory's data, nothing is made up:
a missing field is left out (or "call to ask" for a missing schedule)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.hsds_profile import translated
from bot.lexicon import DAY_NAMES, categories
from bot.sms_rules import HARD_MAX_SEGMENTS, MAX_SEGMENTS, measure, to_gsm7
from bot.wording import clock, place

WORDS = {
    "fr": {
        "free": "Gratuit",
        "price": "{amount} euros",
        "phone": "Tél.",
        "no_schedule": "Horaire : appelez pour demander.",
    },
    "nl": {
        "free": "Gratis",
        "price": "{amount} euro",
        "phone": "Tel.",
        "no_schedule": "Uren: bel om het te vragen.",
    },
}
PER_MESSAGE = 3
# What the tenant looks for when they name only who it is for ("for children").
AUDIENCE_ACTIVITIES = {
    "fr": {
        "children": "Activités pour enfants",
        "teenagers": "Activités pour jeunes",
        "adults": "Activités pour adultes",
        "seniors": "Activités pour seniors",
        "women": "Activités pour femmes",
        "parents": "Activités pour parents",
        "families": "Activités en famille",
    },
    "nl": {
        "children": "Activiteiten voor kinderen",
        "teenagers": "Activiteiten voor jongeren",
        "adults": "Activiteiten voor volwassenen",
        "seniors": "Activiteiten voor senioren",
        "women": "Activiteiten voor vrouwen",
        "parents": "Activiteiten voor ouders",
        "families": "Activiteiten voor gezinnen",
    },
}


def what_label(category_id: str | None, audience: str | None, language: str) -> str | None:
    """How the reply names what was searched: the category, else the audience."""
    category = categories().get(category_id or "")
    if category is not None:
        return category.label(language)
    return AUDIENCE_ACTIVITIES[language].get(audience or "")


def when(session: dict[str, Any] | None, language: str) -> str:
    if not session:
        return WORDS[language]["no_schedule"]
    start = datetime.fromisoformat(session["start"])
    day = f"{DAY_NAMES[language][start.weekday()].capitalize()} {start.day}/{start.month}"
    hours = clock(start, language)
    if session.get("end"):
        hours += f"-{clock(datetime.fromisoformat(session['end']), language)}"
    return f"{day}, {hours}"


def _phone(service: dict[str, Any]) -> str | None:
    phones = list(service.get("phones") or [])
    for item in service.get("service_at_locations", []):
        phones += (item.get("location") or {}).get("phones") or []
    return national(phones[0].get("number", "")) if phones else None


def national(number: str) -> str:
    """ "+32 2 000 01 25" as Belgians dial it: "02 000 01 25"."""
    compact = number.strip()
    return "0" + compact[3:].lstrip() if compact.startswith("+32") else compact


def _cost(service: dict[str, Any], language: str) -> str | None:
    amounts = [
        cost.get("amount")
        for cost in service.get("cost_options") or []
        if isinstance(cost.get("amount"), (int, float))
    ]
    if not amounts:
        return None
    if all(amount == 0 for amount in amounts):
        return WORDS[language]["free"]
    lowest = min(amount for amount in amounts if amount > 0)
    return WORDS[language]["price"].format(amount=f"{lowest:g}")


def result_text(number: int, service: dict[str, Any], language: str) -> str:
    found = service.get("search_result") or {}
    contact = ", ".join(
        part
        for part in (
            f"{WORDS[language]['phone']} {_phone(service)}" if _phone(service) else None,
            _cost(service, language),
        )
        if part
    )
    lines = [
        f"{number}. {translated(service, 'name', language)}",
        when(found.get("next_session"), language),
        place(service, found.get("location_id"), language),
        contact,
    ]
    return "\n".join(line for line in lines if line)


def results_block(
    services: list[dict[str, Any]],
    first_number: int,
    language: str,
    budget_text: str = "",
    sms_budget: bool = True,
) -> tuple[str, int]:
    """Up to PER_MESSAGE results as one text, fewer when more would not fit the SMS budget
    (with `budget_text`, what else the reply says), measured as the SMS channel sends it.
    Two results may take the third segment that CONTENT.md allows when unavoidable, rather
    than making the tenant pay another reply for each result. Returns (text, count)."""
    texts = [
        result_text(first_number + index, service, language)
        for index, service in enumerate(services[:PER_MESSAGE])
    ]
    if not sms_budget:
        return "\n".join(texts), len(texts)

    def segments(count: int) -> int:
        return measure(to_gsm7(f"{budget_text}\n" + "\n".join(texts[:count]))).segments

    for count in range(len(texts), 0, -1):
        if segments(count) <= MAX_SEGMENTS:
            if count == 1 and len(texts) > 1 and segments(2) <= HARD_MAX_SEGMENTS:
                return "\n".join(texts[:2]), 2
            return "\n".join(texts[:count]), count
    return texts[0], 1 if texts else 0
