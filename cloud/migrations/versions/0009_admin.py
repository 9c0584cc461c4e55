"""issue 6 — operators' admin: occupancy history for the KPIs (cloud/models/occupancy.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "occupancysample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("sampled_at", sa.DateTime(), nullable=False),
        sa.Column("size", sa.String(length=1), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("unavailable", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["locker_id"], ["locker.id"], name="fk_occupancysample_locker_id_locker"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_occupancysample"),
    )
    op.create_index("ix_occupancysample_locker_id", "occupancysample", ["locker_id"])
    op.create_index("ix_occupancysample_sampled_at", "occupancysample", ["sampled_at"])


def downgrade() -> None:
    op.drop_index("ix_occupancysample_sampled_at", table_name="occupancysample")
    op.drop_index("ix_occupancysample_locker_id", table_name="occupancysample")
    op.drop_table("occupancysample")
