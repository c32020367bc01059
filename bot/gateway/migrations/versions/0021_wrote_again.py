"""A tenant who writes again soon after their conversation with a person was closed
(issue 18): the conversation is flagged to its last caseworker until they open it.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.add_column(sa.Column("wrote_again_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.drop_column("wrote_again_at")
