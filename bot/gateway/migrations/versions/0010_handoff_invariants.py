"""Handoff invariants held by the database: at most one open handoff per contact (a partial
unique index on handoff.contact_id where the status is open, on PostgreSQL and SQLite).

A database written before this revision may hold a contact with several open handoffs
(the race this index ends): the one kept is the one a caseworker claimed, else the
oldest; the others are closed as merged into it, their transcript entries moved to it,
and their urgency carried over. Nothing is deleted.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OPEN_PREDICATE = "status IN ('waiting', 'claimed')"
INDEX = "uq_handoff_one_open_per_contact"

handoff = sa.table(
    "handoff",
    sa.column("id", sa.Integer()),
    sa.column("contact_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("urgent", sa.Boolean()),
    sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("close_reason", sa.String()),
)
handoff_entry = sa.table(
    "handoff_entry", sa.column("handoff_id", sa.Integer()), sa.column("id", sa.Integer())
)


def _merge_duplicates() -> None:
    bind = op.get_bind()
    open_ = handoff.c.status.in_(("waiting", "claimed"))
    contacts = bind.execute(
        sa.select(handoff.c.contact_id)
        .where(open_)
        .group_by(handoff.c.contact_id)
        .having(sa.func.count() > 1)
    ).scalars()
    for contact_id in list(contacts):
        rows = bind.execute(
            sa.select(handoff.c.id, handoff.c.status, handoff.c.urgent)
            .where(open_, handoff.c.contact_id == contact_id)
            .order_by(handoff.c.id)
        ).all()
        kept = next((row for row in rows if row.status == "claimed"), rows[0])
        others = [row.id for row in rows if row.id != kept.id]
        bind.execute(
            sa.update(handoff_entry)
            .where(handoff_entry.c.handoff_id.in_(others))
            .values(handoff_id=kept.id)
        )
        bind.execute(
            sa.update(handoff)
            .where(handoff.c.id.in_(others))
            .values(
                status="closed",
                closed_at=sa.func.now(),
                close_reason=f"merged into handoff {kept.id} (migration 0010)",
            )
        )
        if any(row.urgent for row in rows):
            bind.execute(sa.update(handoff).where(handoff.c.id == kept.id).values(urgent=True))


def upgrade() -> None:
    _merge_duplicates()
    op.create_index(
        INDEX,
        "handoff",
        ["contact_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_PREDICATE),
        sqlite_where=sa.text(OPEN_PREDICATE),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="handoff")
