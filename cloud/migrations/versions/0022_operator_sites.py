"""issue 14 — operators scoped to sites: the sites an operator sees and acts on (None: the fleet).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not in batch mode: batch mode would copy the operator table, which rows reference.
    op.add_column("operator", sa.Column("sites", sa.String(length=2112), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE operator DROP COLUMN sites")  # in place (SQLite >= 3.35)
    else:
        op.drop_column("operator", "sites")
