"""The satisfaction question (issue 18): when a handed-back tenant was asked whether the
person's help was of use, their answer ("yes", "little", "no"), and when the question was
settled (answered, or passed over by another message). Kept with the handoff, not with the
tenant.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.add_column(sa.Column("survey_asked_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("survey_answer", sa.String(length=8), nullable=True))
        table.add_column(sa.Column("survey_answered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.drop_column("survey_answered_at")
        table.drop_column("survey_answer")
        table.drop_column("survey_asked_at")
