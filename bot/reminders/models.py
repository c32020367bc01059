"""A reminder is a row: it survives restarts, and its status is what several gateway
workers claim (pending -> sent | cancelled), so none is sent twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base

PENDING, SENT, CANCELLED = "pending", "sent", "cancelled"


class Reminder(Base):
    __tablename__ = "reminder"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Erasure deletes the contact, and its reminders with it.
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str] = mapped_column(String(64))
    location_id: Mapped[str | None] = mapped_column(String(64))
    session_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    session_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str] = mapped_column(String(2))
    send_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    # Why a reminder was cancelled ("opted out", "stopped", "missed"...): no tenant content.
    reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("contact_id", "service_id", "session_start", name="uq_reminder_session"),
        Index("ix_reminder_due", "status", "send_at"),
    )
