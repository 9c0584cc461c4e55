"""Each locker's events are applied in seq order: the contiguous watermark `applied_seq`.

A locker provisioned before starts from the highest seq in its inbox: the events stored so far
were applied (in whatever order); the next one expected is the one after.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default stays: dropping it would make SQLite copy the locker table, which the
    # rows referencing it (foreign keys are enforced) do not allow.
    with op.batch_alter_table("locker") as batch:
        batch.add_column(
            sa.Column("applied_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE locker SET applied_seq = COALESCE((SELECT MAX(deviceevent.seq) "
        "FROM deviceevent WHERE deviceevent.locker_id = locker.id), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("locker") as batch:
        batch.drop_column("applied_seq")
