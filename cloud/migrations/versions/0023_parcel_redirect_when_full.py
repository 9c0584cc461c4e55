"""issue 14 — a carrier's `redirect_when_full` is kept on the parcel, so a locker found full at
the courier's deposit redirects it only where the carrier allowed (cloud/services/
deposit_redirect.py). Parcels already announced keep the default, True, as at pre-advice.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not in batch mode: batch mode would copy the parcel table, which rows reference.
    op.add_column(
        "parcel",
        sa.Column("redirect_when_full", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE parcel DROP COLUMN redirect_when_full")  # in place (SQLite >= 3.35)
    else:
        op.drop_column("parcel", "redirect_when_full")
