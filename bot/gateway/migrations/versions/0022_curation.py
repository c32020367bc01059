"""Directory curation in the console (issue 23): who curates each service, its versions,
"this place was closed" reports, and what the bot showed (daily counts; per conversation
for a short time), and the e-mails the curators were sent about them.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "curated_service",
        sa.Column("service_id", sa.String(64), primary_key=True),
        sa.Column(
            "company_id",
            sa.String(64),
            sa.ForeignKey("housing_company.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_curated_service_company_id", "curated_service", ["company_id"])
    op.create_table(
        "service_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changed", sa.String(500), nullable=False),
        sa.Column(
            "staff_id",
            sa.Integer,
            sa.ForeignKey("staff_user.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("staff_name", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index(
        "uq_service_version_number", "service_version", ["service_id", "number"], unique=True
    )
    op.create_table(
        "service_closed_report",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column(
            "handoff_id",
            sa.Integer,
            sa.ForeignKey("handoff.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "staff_id",
            sa.Integer,
            sa.ForeignKey("staff_user.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("resolved_at", WHEN, nullable=True),
        sa.Column(
            "resolved_by",
            sa.Integer,
            sa.ForeignKey("staff_user.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_service_closed_report_service_id", "service_closed_report", ["service_id"])
    op.create_table(
        "service_shown_day",
        sa.Column("service_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "service_shown_to",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("shown_at", WHEN, nullable=False),
    )
    op.create_index("ix_service_shown_to_sender_id", "service_shown_to", ["sender_id"])
    op.create_table(
        "curator_notice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("notified_at", WHEN, nullable=False),
    )
    op.create_index(
        "uq_curator_notice_kind_service_key",
        "curator_notice",
        ["kind", "service_id", "key"],
        unique=True,
    )


def downgrade() -> None:
    for table in (
        "curator_notice",
        "service_shown_to",
        "service_shown_day",
        "service_closed_report",
        "service_version",
        "curated_service",
    ):
        op.drop_table(table)
