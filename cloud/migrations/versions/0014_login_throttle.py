"""issue 10 — login throttling and sessions that end at logout.

operator_session: one row per login, named by its token, ended at logout or a password change;
login_throttle: failed password checks per account, per source and per account and source, with
the lock-outs they earned; alarm.locker_id may be empty (login_guessing names no locker).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operator_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operator.id"], name="fk_operator_session_operator_id_operator"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_operator_session"),
    )
    op.create_index("ix_operator_session_operator_id", "operator_session", ["operator_id"])
    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("trusted_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("scope", "account", "source", name="pk_login_throttle"),
    )
    op.create_index("ix_login_throttle_last_attempt_at", "login_throttle", ["last_attempt_at"])
    with op.batch_alter_table("alarm") as batch:
        batch.alter_column("locker_id", existing_type=sa.String(length=32), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM alarm WHERE locker_id IS NULL")
    with op.batch_alter_table("alarm") as batch:
        batch.alter_column("locker_id", existing_type=sa.String(length=32), nullable=False)
    op.drop_index("ix_login_throttle_last_attempt_at", table_name="login_throttle")
    op.drop_table("login_throttle")
    op.drop_index("ix_operator_session_operator_id", table_name="operator_session")
    op.drop_table("operator_session")
