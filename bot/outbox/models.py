"""The outbox: each message to a contact kept until the provider accepted it (or gave up)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base


class OutboxMessage(Base):
    """A message to send to a contact, kept until the provider accepted it (or gave up)."""

    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    # Telegram: inline keyboard rows of (title, callback token); SMS: none (menu in body)
    buttons: Mapped[list[Any] | None] = mapped_column(JSON)
    # WhatsApp outside its 24-hour window: the approved template that goes instead of the
    # body ("reminder", "waiting"), and its variables; None: free-form only (held outside
    # the window until the tenant writes; bot/outbox/whatsapp_window.py).
    template: Mapped[str | None] = mapped_column(String(16))
    variables: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # pending, sending, sent, failed, cancelled; held (WhatsApp: waits for the tenant)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # while `sending`: the claim holds until then; past it, any worker may claim it again
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
