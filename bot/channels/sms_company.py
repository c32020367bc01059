"""Which housing company an SMS is for: the number the tenant wrote to (Twilio's `To`).

Each company lists its numbers in the housing companies' file (`sms_numbers`); they are
kept with its Telegram codes (bot/handoff/store.py, load_companies). An SMS contact's
`site` is its housing company's id: Rasa gets it as the `site` metadata, and handoffs
(store.company_for) and signal rows (bot/signals/recorder.py) map it to the company.

- A number of one company: that company, every message (it replaces an earlier one).
- A number shared by several companies (a regional line): the company the contact chose
  earlier. Without one, the tenant is asked which company they rent from (a numbered list,
  one SMS) before anything else, handoffs included: nothing is guessed. The message that
  came with the question is held and answered once the tenant has chosen (a digit, or the
  company's name); an answer that picks no single company gets the question again.
  A message that shows danger is never held: it goes on at once (the safety message and an
  urgent handoff), and the question comes with the next message; an open handoff moves to
  the company the tenant then chooses.
- A number listed by no company: nothing changes (the contact's site, else the first
  company, as before numbers were listed).

The question and the held message are kept as the contact's menu options (keys
`company:1`..., `company:held`), which the next bot menu replaces."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.channels.keywords import Keyword, keyword
from bot.contacts.models import Contact, MenuOption
from bot.handoff import store
from bot.handoff.models import OPEN_STATUSES, Handoff, HousingCompany
from bot.language_hint import likely_language
from bot.lexicon.folding import fold
from bot.safety import detect_danger
from bot.sms_rules import measure, to_gsm7
from bot.texts import text

PREFIX = "company:"
HELD = f"{PREFIX}held"
DIGIT = re.compile(r"^\s*(\d)\s*\.?\s*$")
MIN_NAME_ANSWER = 3  # letters: "a" or "le" names no company


@dataclass(frozen=True)
class Settled:
    """What the webhook does with a message once its company is settled.

    `reply`: send only this (the question, or the thanks for an answer without a held
    message) and stop. Else go on with the contact's `site` and `language` (a language
    read from the message that came with the question is remembered), and with `held`
    instead of this message when the tenant just chose (the message that waited).
    `changed`: the contact (or its handoff) was written: commit before the Rasa turn, so
    the action server's handoff request finds the company."""

    site: str | None
    language: str | None = None
    reply: str | None = None
    held: str | None = None
    changed: bool = False


def companies_of_number(session: Session, to_number: str | None) -> list[HousingCompany]:
    """The companies that list this number, by id."""
    number = store.normalised_number(to_number or "")
    if number is None:
        return []
    companies = session.scalars(select(HousingCompany).order_by(HousingCompany.id))
    return [company for company in companies if number in (company.sites or [])]


def site_for_number(session: Session, to_number: str | None) -> str | None:
    """The company id of a number that belongs to one company; None for a shared number
    or a number no company lists."""
    companies = companies_of_number(session, to_number)
    return companies[0].id if len(companies) == 1 else None


def known_company(session: Session, site: str | None) -> HousingCompany | None:
    """The company a site names exactly (no fallback to the first company)."""
    if not site:
        return None
    company = session.get(HousingCompany, site)
    if company is not None:
        return company
    for each in session.scalars(select(HousingCompany).order_by(HousingCompany.id)):
        if site in (each.sites or []):
            return each
    return None


def needs_company_choice(session: Session, contact_id: int, to_number: str | None) -> bool:
    """A shared number, and the contact has no known company yet."""
    contact = session.get(Contact, contact_id)
    if contact is None or len(companies_of_number(session, to_number)) < 2:
        return False
    return known_company(session, contact.site) is None


def company_name(company: HousingCompany, language: str | None) -> str:
    """The company's name in a language: the file's `name` is "French / Dutch" (or one
    name for both), without a bracketed remark."""
    return to_gsm7(company.name_in(language)) or company.id


def choice_prompt(companies: list[HousingCompany], language: str | None) -> str:
    """The question in the tenant's language; when it is not known yet, in both (French
    first), with the names in both when that still fits one SMS, else in French."""
    if language in ("fr", "nl"):
        return text("company_question", language, choices=_choices(companies, (language,)))
    question = text("company_question", "fr", choices="").strip()
    for names in (("fr", "nl"), ("fr",)):
        both = question + "\n" + text("company_question", "nl", choices=_choices(companies, names))
        if _fits_one_sms(both):
            return both
    return text("company_question", "fr", choices=_choices(companies, ("fr",)))


def _choices(companies: list[HousingCompany], languages: tuple[str, ...]) -> str:
    """One line per company: its digit and its name (in each language, when they differ)."""
    lines = []
    for number, company in enumerate(companies, start=1):
        names = dict.fromkeys(company_name(company, language) for language in languages)
        lines.append(f"{number} {' / '.join(names)}")
    return "\n".join(lines)


def _fits_one_sms(message: str) -> bool:
    return measure(message).segments == 1


def ask(
    session: Session,
    contact_id: int,
    companies: list[HousingCompany],
    body: str,
    language: str | None,
) -> str:
    """Remember the question's choices (and the message it holds, the first one) and
    return the question."""
    held = session.scalar(
        select(MenuOption.payload).where(
            MenuOption.contact_id == contact_id, MenuOption.key == HELD
        )
    )
    _forget_question(session, contact_id)
    options = [
        MenuOption(
            contact_id=contact_id,
            key=f"{PREFIX}{number}",
            payload=company.id,
            title=company.name,
        )
        for number, company in enumerate(companies[:9], start=1)
    ]
    options.append(
        MenuOption(contact_id=contact_id, key=HELD, payload=body if held is None else held)
    )
    session.add_all(options)
    return choice_prompt(companies[:9], language)


def _question(session: Session, contact_id: int) -> dict[str, str]:
    """The pending question: {"company:1": company id, ..., "company:held": message}."""
    rows = session.execute(
        select(MenuOption.key, MenuOption.payload).where(
            MenuOption.contact_id == contact_id, MenuOption.key.startswith(PREFIX)
        )
    )
    return {key: payload for key, payload in rows}


def _forget_question(session: Session, contact_id: int) -> None:
    session.execute(
        delete(MenuOption)
        .where(MenuOption.contact_id == contact_id, MenuOption.key.startswith(PREFIX))
        .execution_options(synchronize_session=False)
    )


def chosen_company(session: Session, question: dict[str, str], body: str) -> str | None:
    """The company id the answer picks among the question's choices: its digit, or words
    that name exactly one of them; None otherwise."""
    digit = DIGIT.match(body)
    if digit:
        return question.get(f"{PREFIX}{digit.group(1)}")
    answer = fold(body)
    if len(answer.replace(" ", "")) < MIN_NAME_ANSWER:
        return None
    picked: set[str] = set()
    for key, company_id in question.items():
        if key == HELD:
            continue
        company = session.get(HousingCompany, company_id)
        if company is None:
            continue
        names = {fold(company.id.replace("-", " "))}
        names |= {fold(company_name(company, language)) for language in ("fr", "nl")}
        if any(_within(answer, name) or _within(name, answer) for name in names if name):
            picked.add(company_id)
    return picked.pop() if len(picked) == 1 else None


def _within(words: str, text: str) -> bool:
    """The folded `words` occur in the folded `text` as whole words."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def apply_choice(session: Session, contact_id: int, body: str) -> bool:
    """The tenant answered the question with one of its companies: it becomes the
    contact's site, the question is forgotten, and an open handoff moves to that company's
    queue (waiting: a caseworker of another company may not hold it). False when no
    question is pending or the answer picks no single company."""
    question = _question(session, contact_id)
    company_id = chosen_company(session, question, body) if question else None
    contact = session.get(Contact, contact_id)
    if company_id is None or contact is None:
        return False
    contact.site = company_id
    _forget_question(session, contact_id)
    handoff = store.open_handoff_of(session, contact_id)
    if handoff is not None and handoff.company_id != company_id:
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id, Handoff.status.in_(OPEN_STATUSES))
            .values(company_id=company_id, status="waiting", claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        session.refresh(handoff)
        store.audit(session, None, "company_chosen", handoff.id, f"{company_id}")
    return True


def settle(session: Session, contact_id: int, to_number: str | None, body: str) -> Settled:
    """The company of this message (see the module's description); called by the SMS
    webhook for every message but the opt-out, opt-in, help and erasure keywords."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        return Settled(site=None)
    companies = companies_of_number(session, to_number)
    if len(companies) == 1:
        if contact.site == companies[0].id:
            return Settled(contact.site, contact.language)
        contact.site = companies[0].id
        return Settled(contact.site, contact.language, changed=True)
    if len(companies) < 2 or known_company(session, contact.site) is not None:
        return Settled(contact.site, contact.language)
    if detect_danger(body) is not None:  # never held: the safety message goes out now
        return Settled(contact.site, contact.language)
    asked = keyword(body)
    if asked in (Keyword.FRENCH, Keyword.DUTCH):
        contact.language = asked.value
    elif contact.language is None:  # the question in the language the tenant wrote in
        contact.language = likely_language(body)
    language = contact.language
    question = _question(session, contact_id)
    if question:
        held = question.get(HELD)
        if apply_choice(session, contact_id, body):
            if held and held.strip():
                return Settled(contact.site, language, held=held, changed=True)
            chosen = session.get_one(HousingCompany, contact.site)
            thanks = text("company_chosen", language, company=company_name(chosen, language))
            return Settled(contact.site, language, reply=thanks, changed=True)
    reply = ask(session, contact_id, companies, body, language)
    return Settled(contact.site, language, reply=reply, changed=True)
