"""issue 6 — returns, delegation, extension, expiry, accessible compartments.

parcel: accessible, extended_at, expired_at and the delegate's contact; compartment:
accessible; pickupcredential: holder (recipient or delegate).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


_PARCEL_COLUMNS = (
    ("accessible", sa.Boolean(), "0"),
    ("extended_at", sa.DateTime(), None),
    ("expired_at", sa.DateTime(), None),
    ("delegate_name", sa.String(length=200), None),
    ("delegate_phone", sa.String(length=16), None),
    ("delegate_email", sa.String(length=254), None),
)


def upgrade() -> None:
    # Server defaults stay: dropping them would make SQLite copy tables that others reference.
    with op.batch_alter_table("parcel") as batch:
        for name, type_, default in _PARCEL_COLUMNS:
            batch.add_column(
                sa.Column(
                    name,
                    type_,
                    nullable=default is None,
                    server_default=_false() if default else None,
                )
            )
    with op.batch_alter_table("compartment") as batch:
        batch.add_column(
            sa.Column("accessible", sa.Boolean(), nullable=False, server_default=_false())
        )
    with op.batch_alter_table("pickupcredential") as batch:
        batch.add_column(
            sa.Column("holder", sa.String(length=16), nullable=False, server_default="recipient")
        )


def downgrade() -> None:
    with op.batch_alter_table("pickupcredential") as batch:
        batch.drop_column("holder")
    with op.batch_alter_table("compartment") as batch:
        batch.drop_column("accessible")
    with op.batch_alter_table("parcel") as batch:
        for name, _, _ in reversed(_PARCEL_COLUMNS):
            batch.drop_column(name)


def _false():
    return sa.false()
