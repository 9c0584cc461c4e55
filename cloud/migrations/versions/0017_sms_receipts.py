"""issue 14 — SMS delivery receipts: the gateway's message id and when it was delivered.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not in batch mode: batch mode would copy the notification table.
    op.add_column("notification", sa.Column("provider_ref", sa.String(length=100), nullable=True))
    op.add_column("notification", sa.Column("delivered_at", sa.DateTime(), nullable=True))
    op.create_index("ix_notification_provider_ref", "notification", ["provider_ref"])


def downgrade() -> None:
    op.drop_index("ix_notification_provider_ref", table_name="notification")
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite >= 3.35): batch mode would copy the table.
        op.execute("ALTER TABLE notification DROP COLUMN delivered_at")
        op.execute("ALTER TABLE notification DROP COLUMN provider_ref")
    else:
        op.drop_column("notification", "delivered_at")
        op.drop_column("notification", "provider_ref")
