"""A staff member may turn the console's e-mails off for themselves (the queue's and the
directory's notices); on by default, as before.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite allows it with a constant default): a batch would copy the
    # table, and dropping the old staff_user fails on the rows that refer to it.
    op.add_column(
        "staff_user",
        sa.Column("email_notices", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    with op.batch_alter_table("staff_user") as table:
        table.drop_column("email_notices")
