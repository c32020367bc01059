"""Tables of the directory: one per HSDS 3.0 object kind the bot needs.

Every row keeps the object's own fields verbatim in `document` (JSON), so that fields we do
not query, extension properties (the Brussels profile's `translations`) and nested objects we
do not model (contacts, funding...) survive an import-export round trip. Nested objects of
the modelled kinds are stripped from the document and stored in their own table, linked to
their owner (`owner_kind`, `owner_id`) in their original order (`position`). The fields that
search filters on are gathered, per service and place, in `hsds_search_entry` at import."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db import Base


class HsdsRecord:
    """Columns shared by every directory table."""

    SHARED = True  # referenced by id from several objects (an organization, a location...)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class OwnedRecord(HsdsRecord):
    """A nested object that belongs to one owner (a phone of a service, a schedule...)."""

    SHARED = False

    owner_kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The nearest shared ancestor (service, location, organization...): re-importing it
    # replaces every row it owns, however deep, with one DELETE per table.
    root_id: Mapped[str] = mapped_column(String(64), index=True)


class Taxonomy(HsdsRecord, Base):
    __tablename__ = "hsds_taxonomy"


class TaxonomyTerm(HsdsRecord, Base):
    __tablename__ = "hsds_taxonomy_term"
    code: Mapped[str | None] = mapped_column(String(128), index=True)
    taxonomy: Mapped[str | None] = mapped_column(String(128))


class Organization(HsdsRecord, Base):
    __tablename__ = "hsds_organization"


class Service(HsdsRecord, Base):
    __tablename__ = "hsds_service"


class SearchEntry(Base):
    """One row per service and place, with everything search filters on, so that a search
    is one indexed scan of the commune's rows (no joins). Derived at import; word lists
    are space-delimited with spaces around (" sport football ") for exact-word matches."""

    __tablename__ = "hsds_search_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(64), index=True)
    service_at_location_id: Mapped[str | None] = mapped_column(String(64))
    location_id: Mapped[str | None] = mapped_column(String(64), index=True)
    commune_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    assured_date: Mapped[date | None] = mapped_column(Date)
    minimum_age: Mapped[float | None] = mapped_column(Float)
    maximum_age: Mapped[float | None] = mapped_column(Float)
    is_free: Mapped[bool | None] = mapped_column(Boolean)
    categories: Mapped[str] = mapped_column(String, default=" ")  # with their parents
    audiences: Mapped[str] = mapped_column(String, default=" ")
    languages: Mapped[str] = mapped_column(String, default=" ")
    name: Mapped[str] = mapped_column(String, default="")
    search_text: Mapped[str] = mapped_column(String, default="")
    __table_args__ = (Index("ix_hsds_search_entry_commune", "commune_id", "status"),)


class Location(HsdsRecord, Base):
    __tablename__ = "hsds_location"
    commune_id: Mapped[str | None] = mapped_column(String(64), index=True)
    postal_code: Mapped[str | None] = mapped_column(String(16))


class ServiceAtLocation(OwnedRecord, Base):
    __tablename__ = "hsds_service_at_location"
    location_id: Mapped[str | None] = mapped_column(ForeignKey("hsds_location.id"), index=True)


class Address(OwnedRecord, Base):
    __tablename__ = "hsds_address"


class Schedule(OwnedRecord, Base):
    __tablename__ = "hsds_schedule"


class Phone(OwnedRecord, Base):
    __tablename__ = "hsds_phone"


class Language(OwnedRecord, Base):
    __tablename__ = "hsds_language"


class CostOption(OwnedRecord, Base):
    __tablename__ = "hsds_cost_option"


class Attribute(OwnedRecord, Base):
    __tablename__ = "hsds_attribute"
    link_type: Mapped[str | None] = mapped_column(String(64))
    taxonomy_term_id: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (Index("ix_hsds_attribute_term_owner", "taxonomy_term_id", "owner_id"),)


# kind -> table, for the generic import and export code
MODELS: dict[str, type[HsdsRecord]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organization,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "schedule": Schedule,
    "phone": Phone,
    "language": Language,
    "cost_option": CostOption,
    "attribute": Attribute,
}


class DirectoryGeneration(Base):
    """One row: a number raised by every write of the directory, in the writing transaction
    (bot/directory/cache.py keeps records in memory while it stays the same)."""

    __tablename__ = "directory_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer, default=0)
