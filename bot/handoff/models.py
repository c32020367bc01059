"""Handoff records: housing companies, their staff, the handoffs and their transcript
entries, and the audit trail of what staff did."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base

# A curator keeps their company's activities directory true; a regional curator, every
# company's and the region's (issue 23).
ROLES = (
    "caseworker",
    "supervisor",
    "admin",
    "auditor",
    "coordinator",
    "curator",
    "regional_curator",
)
OPEN_STATUSES = ("waiting", "claimed")
# The predicate of the partial unique index that holds "at most one open handoff per
# contact" in the database itself (PostgreSQL and SQLite both index part of a table).
OPEN_PREDICATE = "status IN ('waiting', 'claimed')"


class HousingCompany(Base):
    __tablename__ = "housing_company"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # {"MO": [["09:00", "12:00"], ["13:00", "16:00"]], ...} in Europe/Brussels
    office_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates
    sites: Mapped[list[str]] = mapped_column(JSON, default=list)  # deep-link / number codes
    # What a tenant whose request nobody took is told to call, and after how long
    phone: Mapped[str | None] = mapped_column(String(40))
    unclaimed_limit_hours: Mapped[int | None] = mapped_column(Integer)
    # Where the phone line transfers a caller who asks for a person in office hours (E.164)
    transfer_number: Mapped[str | None] = mapped_column(String(40))
    # Response targets, in office minutes: an urgent request taken within 15, any other
    # within one working day (7 office hours); the console shows each wait against them
    target_urgent_minutes: Mapped[int] = mapped_column(Integer, server_default="15")
    target_other_minutes: Mapped[int] = mapped_column(Integer, server_default="420")

    def name_in(self, language: str | None) -> str:
        """The name in a language: the file's `name` is "French / Dutch" (or one name for
        both), without a bracketed remark."""
        parts = [part.strip() for part in self.name.split(" / ")]
        name = parts[1] if language == "nl" and len(parts) > 1 else parts[0]
        return re.sub(r"\s*\([^)]*\)", "", name).strip() or self.id


class StaffUser(Base):
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    company_id: Mapped[str] = mapped_column(ForeignKey("housing_company.id"))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The second factor (TOTP, RFC 6238): the shared secret (base32) from enrolment, and
    # when the staff member proved they hold it. No confirmed secret: enrol at next login.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last 30-second step a code was accepted for: a code is good once (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The phone a callback rings first (E.164); shown to nobody but the staff member
    phone: Mapped[str | None] = mapped_column(String(40))
    # The console's e-mails (new requests, escalations, the directory's notices): the staff
    # member's own choice on their account page; the console shows everything either way
    email_notices: Mapped[bool] = mapped_column(Boolean, server_default=true())


class StaffSession(Base):
    """A console session held by the server: the cookie carries only a random token whose
    SHA-256 is this row's id, so logout, a password change, deactivation or an admin's "sign
    out everywhere" end it at once (revoked_at), whatever copies of the cookie exist."""

    __tablename__ = "staff_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The last request the staff member made (background polling does not count).
    last_active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_staff_session_staff", "staff_id"),)


class LoginFailure(Base):
    """One failed login, counted per account and per client for throttling. `key` is a
    SHA-256 (of the e-mail as typed, or of the client address): no raw input kept."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16))  # "account" | "client"
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_login_failure_scope_key_at", "scope", "key", "at"),)


class RecoveryCode(Base):
    """A one-time recovery code for a lost second factor, stored hashed (argon2)."""

    __tablename__ = "staff_recovery_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_staff_recovery_code_staff", "staff_id"),)


class Handoff(Base):
    __tablename__ = "handoff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    company_id: Mapped[str] = mapped_column(ForeignKey("housing_company.id"))
    sender_id: Mapped[str] = mapped_column(String(64))  # Rasa's pseudonymous id
    reason: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    language: Mapped[str] = mapped_column(String(2), default="fr")
    channel: Mapped[str] = mapped_column(String(16))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(String(200))
    handed_back: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_notice_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the tenant was told the service is closed in this waiting period (once each)
    closed_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When nobody had taken it within the company's limit: the tenant was told, supervisors see it
    overdue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When staff on duty were e-mailed about it (or it was settled before; bot/notify)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When an urgent one nobody took was e-mailed to the company's supervisors
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the tenant wrote again soon after the close: flagged to the last caseworker
    # until they open the conversation (bot/handoff/after_close.py)
    wrote_again_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the handed-back tenant was asked if the help served them (bot/handoff/satisfaction.py)
    survey_asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    survey_answer: Mapped[str | None] = mapped_column(String(8))  # "yes" | "little" | "no"
    # When the question was settled: answered, or passed over by another message (no answer)
    survey_answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("ix_handoff_queue", "company_id", "status", "urgent", "opened_at"),
        Index("ix_handoff_contact_status", "contact_id", "status"),
        Index(
            "uq_handoff_one_open_per_contact",
            "contact_id",
            unique=True,
            postgresql_where=text(OPEN_PREDICATE),
            sqlite_where=text(OPEN_PREDICATE),
        ),
    )


class HandoffEntry(Base):
    """One line of the human part of the conversation."""

    __tablename__ = "handoff_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoff.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(16))  # tenant | bot | caseworker | note | system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """What staff did, without tenant content (who, what, on which handoff, when)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(String(32))
    handoff_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(200))


class CannedReply(Base):
    """A ready answer a caseworker can start from, per housing company and language."""

    __tablename__ = "canned_reply"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("housing_company.id"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


class Label(Base):
    """A label a housing company's admins define ("loyer", "à rappeler"...), put on its
    conversations to find them again; never seen by the tenant."""

    __tablename__ = "label"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("housing_company.id"))
    name: Mapped[str] = mapped_column(String(60))
    __table_args__ = (Index("uq_label_company_name", "company_id", "name", unique=True),)


class HandoffLabel(Base):
    __tablename__ = "handoff_label"
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoff.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(
        ForeignKey("label.id", ondelete="CASCADE"), primary_key=True
    )
    __table_args__ = (Index("ix_handoff_label_label", "label_id"),)
