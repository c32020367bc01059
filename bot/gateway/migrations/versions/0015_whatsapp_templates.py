"""WhatsApp (issue 16): an outbox message may carry the approved template that goes
instead of its body outside WhatsApp's 24-hour window, and its variables.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("template", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("variables", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("variables")
        batch.drop_column("template")
