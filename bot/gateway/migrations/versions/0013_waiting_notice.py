"""Waiting for a person without being stuck (issue 21): when the tenant of a waiting
handoff was told that the social service is closed, so the notice is sent once per
waiting period (reset when a caseworker puts the conversation back in the queue); when a
handoff nobody took within its company's limit became overdue; the company's phone number
and limit.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.add_column(sa.Column("closed_notice_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("housing_company") as table:
        table.add_column(sa.Column("phone", sa.String(40), nullable=True))
        table.add_column(sa.Column("unclaimed_limit_hours", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("housing_company") as table:
        table.drop_column("unclaimed_limit_hours")
        table.drop_column("phone")
    with op.batch_alter_table("handoff") as table:
        table.drop_column("overdue_at")
        table.drop_column("closed_notice_at")
