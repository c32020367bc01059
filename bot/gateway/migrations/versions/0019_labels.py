"""Labels a housing company's admins define and caseworkers put on conversations, to find
them again in the console's search (issue 18).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "company_id", sa.String(length=64), sa.ForeignKey("housing_company.id"), nullable=False
        ),
        sa.Column("name", sa.String(length=60), nullable=False),
    )
    op.create_index("uq_label_company_name", "label", ["company_id", "name"], unique=True)
    op.create_table(
        "handoff_label",
        sa.Column(
            "handoff_id",
            sa.Integer(),
            sa.ForeignKey("handoff.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "label_id",
            sa.Integer(),
            sa.ForeignKey("label.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_handoff_label_label", "handoff_label", ["label_id"])


def downgrade() -> None:
    op.drop_index("ix_handoff_label_label", table_name="handoff_label")
    op.drop_table("handoff_label")
    op.drop_index("uq_label_company_name", table_name="label")
    op.drop_table("label")
