"""Staff e-mails (issue 18, bot/notify): when the staff on duty were told of a new request,
and when an urgent one nobody took was escalated to the company's supervisors.

The requests already there when this runs count as told (and the urgent ones as
escalated): an upgrade must not send a burst of e-mails about old requests.

Revision ID: 0017
Revises: 0016
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.add_column(sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
    handoff = sa.table(
        "handoff",
        sa.column("urgent", sa.Boolean()),
        sa.column("notified_at", sa.DateTime(timezone=True)),
        sa.column("escalated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(timezone.utc)
    op.execute(handoff.update().values(notified_at=now))
    op.execute(handoff.update().where(handoff.c.urgent == sa.true()).values(escalated_at=now))


def downgrade() -> None:
    with op.batch_alter_table("handoff") as table:
        table.drop_column("escalated_at")
        table.drop_column("notified_at")
