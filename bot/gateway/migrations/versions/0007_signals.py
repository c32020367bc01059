"""Anonymous signals for coordinators, and their weekly keys.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("conversation", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("commune", sa.String(length=64), nullable=True),
        sa.Column("company_id", sa.String(length=64), nullable=True),
        sa.Column("understood", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("handoff_reason", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signal_event_week", "signal_event", ["week"], unique=False)
    op.create_table(
        "signal_week_key",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("week"),
    )
    op.create_table(
        "signal_turn_seen",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("week", "digest"),
    )
    op.create_table(
        "signal_erased",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("conversation", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("week", "conversation"),
    )


def downgrade() -> None:
    op.drop_table("signal_erased")
    op.drop_table("signal_turn_seen")
    op.drop_table("signal_week_key")
    op.drop_index("ix_signal_event_week", table_name="signal_event")
    op.drop_table("signal_event")
