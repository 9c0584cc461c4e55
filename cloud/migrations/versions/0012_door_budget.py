"""issue 10 — one budget for every door opened for someone other than the recipient.

door_release: the ledger of remote opens, delegations, redirects, reissued PINs and couriers'
collections, granted or refused, with the keyed hashes of delegates' contacts; it takes over
remote_open's rows (actor operator:<username>, counted) and replaces that table. The burst alarm
they share is door_release_burst (remote_open_burst before).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_INDEXED = ("at", "locker_id", "parcel_id", "actor", "phone_key", "email_key")


def upgrade() -> None:
    op.create_table(
        "door_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("compartment", sa.Integer(), nullable=True),
        sa.Column("parcel_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("phone_key", sa.String(length=64), nullable=True),
        sa.Column("email_key", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_door_release"),
    )
    for column in _INDEXED:
        op.create_index(f"ix_door_release_{column}", "door_release", [column])
    op.execute(
        "INSERT INTO door_release (at, kind, locker_id, compartment, actor, reason, counted, "
        "outcome) SELECT at, 'remote_open', locker_id, compartment, 'operator:' || operator, "
        "reason, TRUE, outcome FROM remote_open ORDER BY id"
    )
    for column in ("operator", "locker_id", "at"):
        op.drop_index(f"ix_remote_open_{column}", table_name="remote_open")
    op.drop_table("remote_open")
    op.execute("UPDATE alarm SET kind = 'door_release_burst' WHERE kind = 'remote_open_burst'")


def downgrade() -> None:
    op.execute("UPDATE alarm SET kind = 'remote_open_burst' WHERE kind = 'door_release_burst'")
    op.create_table(
        "remote_open",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("compartment", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_remote_open"),
    )
    op.create_index("ix_remote_open_at", "remote_open", ["at"])
    op.create_index("ix_remote_open_locker_id", "remote_open", ["locker_id"])
    op.create_index("ix_remote_open_operator", "remote_open", ["operator"])
    # Only the remote opens go back; the other kinds of release had no table before.
    op.execute(
        "INSERT INTO remote_open (at, locker_id, compartment, operator, reason, outcome) "
        "SELECT at, locker_id, compartment, substr(actor, 10, 64), reason, outcome "
        "FROM door_release WHERE kind = 'remote_open' ORDER BY id"
    )
    for column in _INDEXED:
        op.drop_index(f"ix_door_release_{column}", table_name="door_release")
    op.drop_table("door_release")
