"""Operators, carriers and their API keys; the hash-chained audit trail and its head row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.create_table(
        "operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_operator"),
        sa.UniqueConstraint("username", name="uq_operator_username"),
    )
    op.create_table(
        "carrier",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_carrier"),
        sa.UniqueConstraint("name", name="uq_carrier_name"),
    )
    op.create_table(
        "apikey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carrier.id"], name="fk_apikey_carrier_id_carrier"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_apikey"),
        sa.UniqueConstraint("key_hash", name="uq_apikey_key_hash"),
    )
    op.create_index("ix_apikey_carrier_id", "apikey", ["carrier_id"])
    op.create_index("ix_apikey_prefix", "apikey", ["prefix"])
    op.create_table(
        "auditentry",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auditentry"),
    )
    op.create_index("ix_auditentry_action", "auditentry", ["action"])
    head = op.create_table(
        "audithead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audithead"),
    )
    op.bulk_insert(head, [{"id": 1, "last_id": 0, "last_hash": GENESIS_HASH}])


def downgrade() -> None:
    op.drop_table("audithead")
    op.drop_index("ix_auditentry_action", table_name="auditentry")
    op.drop_table("auditentry")
    op.drop_index("ix_apikey_prefix", table_name="apikey")
    op.drop_index("ix_apikey_carrier_id", table_name="apikey")
    op.drop_table("apikey")
    op.drop_table("carrier")
    op.drop_table("operator")
