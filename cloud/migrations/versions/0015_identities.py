"""issue 10 — board and service identities, revocation; signed board status.

Each locker keeps the connection number of the last signed status it applied (`status_conn`),
so an old status replayed changes nothing.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default stays: dropping it would make SQLite copy the locker table, which the
    # rows referencing it (foreign keys are enforced) do not allow.
    with op.batch_alter_table("locker") as batch:
        batch.add_column(sa.Column("status_conn", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("locker") as batch:
        batch.drop_column("status_conn")
