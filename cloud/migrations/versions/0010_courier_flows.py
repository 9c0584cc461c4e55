"""issue 6 — courier collection of expired parcels and returns, unadvised parcels.

parcel: kind (delivery, return, unadvised), collect_scheduled_at, returned_at.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default stays: every parcel before this revision was a delivery.
    with op.batch_alter_table("parcel") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="delivery")
        )
        batch.add_column(sa.Column("collect_scheduled_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parcel") as batch:
        batch.drop_column("returned_at")
        batch.drop_column("collect_scheduled_at")
        batch.drop_column("kind")
