"""The anonymous signal rows and the weekly keys that group a week's rows by conversation.

`conversation` is an HMAC of the pseudonymous sender id under a random key that exists for
one week only. Within that week it lets the coordinator page count conversations rather than
turns (cells under 5 conversations are suppressed); once the week's key is deleted, nothing
links the token to a tenant, and a tenant's tokens differ from one week to the next."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base


class SignalEvent(Base):
    __tablename__ = "signal_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    week: Mapped[date] = mapped_column(Date)  # the Monday of the ISO week, Europe/Brussels
    conversation: Mapped[str] = mapped_column(String(32))  # weekly-keyed token, see above
    topic: Mapped[str] = mapped_column(String(64))  # the intent (or "nlu_fallback")
    language: Mapped[str | None] = mapped_column(String(2))
    channel: Mapped[str | None] = mapped_column(String(16))
    commune: Mapped[str | None] = mapped_column(String(64))  # canonical commune id
    company_id: Mapped[str | None] = mapped_column(String(64))  # housing company, when known
    understood: Mapped[bool] = mapped_column(Boolean)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    __table_args__ = (Index("ix_signal_event_week", "week"),)


class SignalWeekKey(Base):
    """The key of one week's conversation tokens; deleted once the week is over."""

    __tablename__ = "signal_week_key"
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # hex, from secrets.token_hex(32)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignalTurnSeen(Base):
    """The turns already recorded (an HMAC of Rasa's message id under the week's key), so
    that a turn the broker delivers again is not counted twice. No link to the rows;
    deleted with the week's key."""

    __tablename__ = "signal_turn_seen"
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)


class SignalErased(Base):
    """Conversation tokens of the current week whose tenant asked for erasure: turns still
    on their way through the broker are not recorded. Deleted with the week's key."""

    __tablename__ = "signal_erased"
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    conversation: Mapped[str] = mapped_column(String(32), primary_key=True)
