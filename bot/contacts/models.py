"""The gateway's own records of tenants: contacts, seen inbound messages, menu options.

A contact's address (phone number, Telegram chat id) is stored only here, because replies
must reach it; everywhere else (Rasa, logs, signals) the contact is its pseudonym."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base

# Channels whose address is a phone number at Twilio: STOP there ends everything sent to
# the number, and erasure reaches Twilio's own log of the messages. Not "voice": a caller
# cannot send STOP (the SMS contact of their number holds it); erasure adds it itself.
TWILIO_CHANNELS = ("sms", "whatsapp")


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))  # "sms" | "whatsapp" | "telegram" | "voice"
    address: Mapped[str] = mapped_column(String(64))  # E.164, "whatsapp:+32...", or a chat id
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str | None] = mapped_column(String(2))
    site: Mapped[str | None] = mapped_column(String(64))
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The tenant confirmed "delete my data": erased once the current turn is over.
    erase_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_contact_address"),)

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    @property
    def stopped(self) -> bool:
        """The tenant sent STOP on a Twilio channel: nothing may be sent to the number."""
        return self.opted_out and self.channel in TWILIO_CHANNELS


class InboundMessage(Base):
    """Each provider message id once: a webhook retried by Twilio or Telegram is dropped."""

    __tablename__ = "inbound_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_inbound_external"),)


class MenuOption(Base):
    """What a digit (SMS) or a callback token (Telegram) stands for, per contact."""

    __tablename__ = "menu_option"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("contact_id", "key", name="uq_menu_option_key"),)


class PendingTurn(Base):
    """An SMS whose turn outlived its webhook (Twilio got its 200, the reply goes later by
    the outbox). Kept until the turn's outcome is committed, so that a turn cut by the
    death of its gateway worker is run again by another once the lease runs out; the
    message text stays only that long (and goes with the contact on erasure)."""

    __tablename__ = "pending_turn"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)  # as sent to Rasa
    lease_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # runs taken over
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_pending_turn"),)


class VoiceCall(Base):
    """One phone call while it lasts (bot/channels/voice.py): the housing company's number
    the tenant called, how often the caller was not understood or said nothing, and the
    results being read one at a time with what was said last (to repeat it, or to send it
    by SMS). No recording and no transcript: what the caller said is in Rasa's tracker only.
    Purged with the bot's data (bot/privacy/retention.py) and with the contact."""

    __tablename__ = "voice_call"
    call_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    company_number: Mapped[str | None] = mapped_column(String(40))
    not_understood: Mapped[int] = mapped_column(Integer, default=0)
    silences: Mapped[int] = mapped_column(Integer, default=0)
    turns: Mapped[int] = mapped_column(Integer, default=0)  # Rasa turns: each its message id
    items: Mapped[list[Any] | None] = mapped_column(JSON)  # results, each as spoken pieces
    position: Mapped[int] = mapped_column(Integer, default=0)
    last_said: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the last turn, rendered
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
