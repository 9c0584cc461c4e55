"""issue 14 — operators are told: sites, on-call rotas, pages; operators' phone and email.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place, not in batch mode: batch mode would copy tables that rows reference.
    op.add_column(
        "locker", sa.Column("site", sa.String(length=32), nullable=False, server_default="")
    )
    op.add_column("operator", sa.Column("phone", sa.String(length=16), nullable=True))
    op.add_column("operator", sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "oncallentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operator.id"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site", "position"),
    )
    op.create_index("ix_oncallentry_site", "oncallentry", ["site"])
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alarm_id", sa.Integer(), sa.ForeignKey("alarm.id"), nullable=False),
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("operator.id"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("paged_at", sa.DateTime(), nullable=False),
        sa.Column("escalate_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_page_alarm_id", "page", ["alarm_id"])


def downgrade() -> None:
    op.drop_index("ix_page_alarm_id", table_name="page")
    op.drop_table("page")
    op.drop_index("ix_oncallentry_site", table_name="oncallentry")
    op.drop_table("oncallentry")
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite >= 3.35): batch mode would copy tables that rows reference.
        for table, column in (("operator", "email"), ("operator", "phone"), ("locker", "site")):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column("operator", "email")
        op.drop_column("operator", "phone")
        op.drop_column("locker", "site")
