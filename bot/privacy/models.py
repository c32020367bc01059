"""What erasure still has to do outside the gateway: Twilio keeps a copy of every SMS (the
tenant's and ours) in its message log until it is deleted through its API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base


class TwilioErasure(Base):
    """One erased SMS tenant whose messages Twilio still holds. The number is kept only
    until Twilio has deleted them (bot/privacy/twilio_erasure.py), then the row goes."""

    __tablename__ = "twilio_erasure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(64))  # E.164
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)  # never the number or a text
