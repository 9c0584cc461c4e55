"""Each locker keeps its board's latest telemetry.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = [
    ("firmware_version", lambda: sa.String(length=32)),
    ("board_mode", lambda: sa.String(length=16)),
    ("reset_cause", lambda: sa.String(length=32)),
    ("uptime_s", sa.BigInteger),
    ("free_heap", sa.Integer),
    ("wifi_rssi", sa.Integer),
    ("reconnects", sa.Integer),
    ("telemetry_at", sa.DateTime),
]


def upgrade() -> None:
    with op.batch_alter_table("locker") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("locker") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
