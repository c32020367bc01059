"""The directory's generation (issue 20): one number, raised by every write of the directory
in the same transaction, so that every gateway process can keep records in memory until the
directory changes (bot/directory/cache.py).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "directory_generation",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("generation", sa.Integer, nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "generation": 0}])  # its one row


def downgrade() -> None:
    op.drop_table("directory_generation")
