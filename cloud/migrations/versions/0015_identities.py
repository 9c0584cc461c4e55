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
    # Added in place, not in batch mode: that (or dropping the server default) would make
    # SQLite copy the locker table, which the rows referencing it (foreign keys are enforced)
    # do not allow.
    op.add_column(
        "locker", sa.Column("status_conn", sa.BigInteger(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite >= 3.35): batch mode would copy the table, which the rows
        # referencing it (foreign keys are enforced) do not allow.
        op.execute("ALTER TABLE locker DROP COLUMN status_conn")
    else:
        op.drop_column("locker", "status_conn")
