"""issue 14 — a recipient's hold ("vacation"): no delivery before this moment (cloud/services/
recipient_hold.py).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not in batch mode: batch mode would copy the parcel table, which rows reference.
    op.add_column("parcel", sa.Column("hold_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE parcel DROP COLUMN hold_until")  # in place (SQLite >= 3.35)
    else:
        op.drop_column("parcel", "hold_until")
