"""issue 6 — notification outbox, email/SMS/webhooks, carrier webhook endpoints.

notification: what a message is (kind, subject), its sealed QR token, an idempotency key, the
backoff's next attempt, a dead mark and the last error; carrier: its webhook URL and secret.
Messages queued before keep their place: key "legacy:<id>", next attempt at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="pickup")
        )
        batch.add_column(
            sa.Column("subject", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("sealed_qr", sa.Text(), nullable=True))
        batch.add_column(sa.Column("idempotency_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("dead_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.execute(
        "UPDATE notification SET idempotency_key = 'legacy:' || CAST(id AS VARCHAR(20)), "
        "next_attempt_at = created_at"
    )
    with op.batch_alter_table("notification") as batch:
        batch.alter_column("idempotency_key", existing_type=sa.String(length=100), nullable=False)
        batch.alter_column("next_attempt_at", existing_type=sa.DateTime(), nullable=False)
    op.create_index(
        "ix_notification_idempotency_key", "notification", ["idempotency_key"], unique=True
    )
    op.create_index("ix_notification_next_attempt_at", "notification", ["next_attempt_at"])
    with op.batch_alter_table("carrier") as batch:
        batch.add_column(sa.Column("webhook_url", sa.String(length=2048), nullable=True))
        batch.add_column(sa.Column("sealed_webhook_secret", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carrier") as batch:
        batch.drop_column("sealed_webhook_secret")
        batch.drop_column("webhook_url")
    op.drop_index("ix_notification_next_attempt_at", table_name="notification")
    op.drop_index("ix_notification_idempotency_key", table_name="notification")
    with op.batch_alter_table("notification") as batch:
        for column in (
            "last_error",
            "dead_at",
            "next_attempt_at",
            "idempotency_key",
            "sealed_qr",
            "subject",
            "kind",
        ):
            batch.drop_column(column)
