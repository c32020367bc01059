"""The phone line (issue 17): the state of each call (its language, how often the caller
was not understood, the results being read one at a time), the number a housing company's
calls are transferred to in office hours, and a caseworker's phone for callbacks.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_call",
        sa.Column("call_sid", sa.String(length=64), primary_key=True),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("contact.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("company_number", sa.String(length=40), nullable=True),
        sa.Column("not_understood", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("silences", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("turns", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("items", sa.JSON(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_said", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_voice_call_contact", "voice_call", ["contact_id"])
    op.create_index("ix_voice_call_created", "voice_call", ["created_at"])
    with op.batch_alter_table("housing_company") as batch:
        batch.add_column(sa.Column("transfer_number", sa.String(length=40), nullable=True))
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("phone")
    with op.batch_alter_table("housing_company") as batch:
        batch.drop_column("transfer_number")
    op.drop_index("ix_voice_call_created", "voice_call")
    op.drop_index("ix_voice_call_contact", "voice_call")
    op.drop_table("voice_call")
