"""Operator alarms raised from board events and reconciliation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alarm",
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("compartment", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["locker_id"], ["locker.id"], name="fk_alarm_locker_id_locker"),
        sa.PrimaryKeyConstraint("id", name="pk_alarm"),
    )
    op.create_index("ix_alarm_locker_id", "alarm", ["locker_id"])


def downgrade() -> None:
    op.drop_index("ix_alarm_locker_id", table_name="alarm")
    op.drop_table("alarm")
