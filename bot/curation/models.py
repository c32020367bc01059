"""Tables of directory curation. The HSDS records themselves stay in the directory's
tables (bot/directory/models.py); these say who curates each service, keep every version
a curator saved, the reports that a place was closed, and how often the bot showed a
service (anonymous daily counts) and to whom lately (for a caseworker's one-click report),
and which e-mails the curators were sent (bot/notify/curator_notices.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import utcnow
from bot.core.db import Base


class CuratedService(Base):
    """Which housing company curates a service. A service without a row, or with no
    company, is the region's: only a regional curator edits it."""

    __tablename__ = "curated_service"
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    company_id: Mapped[str | None] = mapped_column(
        ForeignKey("housing_company.id", ondelete="SET NULL"), index=True
    )


class ServiceVersion(Base):
    """One saved state of a service, fully nested (HSDS), after a create, an edit, a
    confirmation, a revert or a console import. Reverting writes a new version."""

    __tablename__ = "service_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(16))  # created, edited, confirmed, reverted...
    changed: Mapped[str] = mapped_column(String(500), default="")  # field names, comma-separated
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    staff_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("uq_service_version_number", "service_id", "number", unique=True),)


class ClosedReport(Base):
    """ "This place was closed": from a caseworker (one click in a conversation) or a
    tenant. Open until a curator deals with it."""

    __tablename__ = "service_closed_report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(16))  # caseworker, tenant
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoff.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )


class ServiceShownDay(Base):
    """How many times the bot showed a service to a tenant on a day (Brussels date)."""

    __tablename__ = "service_shown_day"
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ServiceShownTo(Base):
    """A service the bot showed in a conversation (Rasa's pseudonymous sender id), kept
    SHOWN_TO_DAYS days and erased with the conversation: it lets a caseworker report one
    of them closed in one click."""

    __tablename__ = "service_shown_to"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(64), index=True)
    service_id: Mapped[str] = mapped_column(String(64))
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CuratorNotice(Base):
    """An e-mail the curators were sent, at most once: "closed" for a report (`key`: the
    report's id), "expired" for a service that fell out of the directory's window (`key`:
    its assured_date, ISO, or "none"). The INSERT is the mark that decides which gateway
    process sends it (the unique index refuses a second); giving it back deletes the row."""

    __tablename__ = "curator_notice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # closed, expired
    service_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    notified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("uq_curator_notice_kind_service_key", "kind", "service_id", "key", unique=True),
    )
