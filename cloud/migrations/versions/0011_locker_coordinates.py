"""issue 6 — locker coordinates for the admin's map; alarms that resolve themselves.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("locker") as batch:
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))
    with op.batch_alter_table("alarm") as batch:
        batch.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarm") as batch:
        batch.drop_column("resolved_at")
    with op.batch_alter_table("locker") as batch:
        batch.drop_column("longitude")
        batch.drop_column("latitude")
