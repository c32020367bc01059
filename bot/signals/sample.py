"""SAMPLE signals for demos and tests: made-up conversations over the last weeks, the same
for the same arguments (a seeded random generator). Their tokens start with "sample", so
seeding again replaces them and never touches real rows. Not real data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.signals.models import SignalEvent
from bot.signals.summary import monday

SAMPLE_PREFIX = "sample"
# Topics and how often a sample conversation is about them.
TOPICS = {
    "rent_question": 9,
    "report_repair": 12,
    "payment_difficulty": 5,
    "find_activity": 8,
    "housing_transfer": 3,
    "neighbour_conflict": 3,
    "income_documents": 2,
    "loneliness": 1,
    "human_handoff": 2,
}
COMMUNES = {"schaerbeek": 6, "anderlecht": 5, "molenbeek-saint-jean": 4, "bruxelles": 3}
SMALL_COMMUNE = "jette"
REASONS = ("asked", "not_understood")


def sample_rows(company: str, last_week: date, weeks: int = 12, seed: int = 7) -> list[SignalEvent]:
    """The sample's rows: per week 20 to 45 conversations of one to three turns, one to
    four of them in Jette, so that small cells show, as do a few urgent ones."""
    generator = random.Random(f"{seed}:{company}:{last_week.isoformat()}")
    rows: list[SignalEvent] = []
    for back in range(weeks):
        week = monday(last_week) - timedelta(weeks=back)
        small = generator.randint(1, 4)
        for number in range(generator.randint(20, 45)):
            token = f"{SAMPLE_PREFIX}{week:%Y%m%d}{number:04d}"
            language = "nl" if generator.random() < 0.3 else "fr"
            channel = "telegram" if generator.random() < 0.25 else "sms"
            commune = generator.choices(list(COMMUNES), list(COMMUNES.values()))[0]
            if number < small:  # a commune with under 5 conversations each week
                commune = SMALL_COMMUNE
            for _ in range(generator.randint(1, 3)):
                understood = generator.random() > 0.12
                topic = (
                    generator.choices(list(TOPICS), list(TOPICS.values()))[0]
                    if understood
                    else "nlu_fallback"
                )
                urgent = generator.random() < 0.03
                reason = "danger" if urgent else None
                if reason is None and generator.random() < 0.1:
                    reason = generator.choice(REASONS)
                named = topic == "find_activity" or commune == SMALL_COMMUNE
                rows.append(
                    SignalEvent(
                        week=week,
                        conversation=token,
                        topic=topic,
                        language=language,
                        channel=channel,
                        company_id=company,
                        understood=understood,
                        urgent=urgent,
                        commune=commune if named or generator.random() < 0.5 else None,
                        handoff_reason=reason,
                    )
                )
    return rows


def seed_sample(session: Session, company: str, last_week: date, weeks: int = 12) -> int:
    """Replace the company's sample rows with a fresh sample; the number of rows written."""
    session.execute(
        delete(SignalEvent).where(
            SignalEvent.company_id == company, SignalEvent.conversation.startswith(SAMPLE_PREFIX)
        )
    )
    rows = sample_rows(company, last_week, weeks)
    session.add_all(rows)
    return len(rows)
