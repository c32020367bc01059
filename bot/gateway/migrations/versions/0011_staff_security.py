"""Staff security (issue 15): server-side console sessions, login failures for throttling,
the TOTP second factor and hashed recovery codes.

Staff who had an account before this revision have no second factor yet: they enrol at
their next login (the console asks before anything else).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "staff_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "staff_id",
            sa.Integer(),
            sa.ForeignKey("staff_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_session_staff", "staff_session", ["staff_id"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failure_scope_key_at", "login_failure", ["scope", "key", "at"])
    op.create_table(
        "staff_recovery_code",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "staff_id",
            sa.Integer(),
            sa.ForeignKey("staff_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_recovery_code_staff", "staff_recovery_code", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_recovery_code_staff", "staff_recovery_code")
    op.drop_table("staff_recovery_code")
    op.drop_index("ix_login_failure_scope_key_at", "login_failure")
    op.drop_table("login_failure")
    op.drop_index("ix_staff_session_staff", "staff_session")
    op.drop_table("staff_session")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_confirmed_at")
        batch.drop_column("totp_secret")
