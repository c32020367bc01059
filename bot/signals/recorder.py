"""Writes the turns' signal rows: weekly tokens, the housing company of a site, a turn
delivered twice counted once, nothing recorded for a conversation erased this week."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.handoff.models import HousingCompany
from bot.signals.assembler import Done
from bot.signals.models import SignalErased, SignalEvent, SignalTurnSeen
from bot.signals.weeks import conversation_token, turn_digest, week_key

COMPANIES_REFRESH_SECONDS = 300.0


class Recorder:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._companies: dict[str, str] = {}
        self._companies_at = float("-inf")

    def tokenize(
        self, sender_id: str, message_id: str | None, week: date
    ) -> tuple[str, str | None]:
        with self.sessions() as session:
            key = week_key(session, week)
            session.commit()
        return conversation_token(key, sender_id), turn_digest(
            key, message_id
        ) if message_id else None

    def company_of(self, session: Session, site: str | None) -> str | None:
        """The housing company a site belongs to, if any: a company's id (an SMS tenant's
        site, bot/channels/sms_company.py) or one of its deep-link codes."""
        if time.monotonic() - self._companies_at > COMPANIES_REFRESH_SECONDS:
            companies = list(session.scalars(select(HousingCompany)))
            self._companies = {
                str(code): company.id for company in companies for code in company.sites or []
            }
            self._companies.update({company.id: company.id for company in companies})
            self._companies_at = time.monotonic()
        return self._companies.get(site) if site else None

    def record(self, done: Done) -> bool:
        """Commit the row of a finished turn; False when it is not to be recorded (no signal,
        already recorded, or erased)."""
        signal = done.signal
        if signal is None or done.week is None or done.conversation is None:
            return False
        with self.sessions() as session:
            erased = session.get(SignalErased, (done.week, done.conversation))
            if erased is not None:
                return False
            if done.digest is not None:
                if session.get(SignalTurnSeen, (done.week, done.digest)) is not None:
                    return False
                session.add(SignalTurnSeen(week=done.week, digest=done.digest))
            session.add(
                SignalEvent(
                    week=done.week,
                    conversation=done.conversation,
                    topic=signal.topic,
                    language=signal.language,
                    channel=signal.channel,
                    commune=signal.commune,
                    company_id=self.company_of(session, signal.site),
                    understood=signal.understood,
                    urgent=signal.urgent,
                    handoff_reason=signal.handoff_reason,
                )
            )
            session.commit()
        return True
