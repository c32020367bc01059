"""A housing company's response targets (issue 18): how long, in office time, an urgent
request and any other request may wait before someone takes it (the console's queue shows
each request's wait against them; the queue's summary counts the ones past them).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("housing_company") as table:
        table.add_column(
            sa.Column("target_urgent_minutes", sa.Integer(), nullable=False, server_default="15")
        )
        table.add_column(
            sa.Column("target_other_minutes", sa.Integer(), nullable=False, server_default="420")
        )


def downgrade() -> None:
    with op.batch_alter_table("housing_company") as table:
        table.drop_column("target_other_minutes")
        table.drop_column("target_urgent_minutes")
