"""issue 14 — the recipient's language for their messages (cloud/i18n).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not in batch mode: batch mode would copy the parcel table, which rows reference.
    op.add_column(
        "parcel", sa.Column("language", sa.String(length=2), nullable=False, server_default="en")
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE parcel DROP COLUMN language")  # in place (SQLite >= 3.35)
    else:
        op.drop_column("parcel", "language")
