"""The first schema: lockers, compartments, parcels, credentials, couriers, inbox, outbox,
notifications.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_locker()
    _create_compartment()
    _create_parcel()
    # compartment.parcel_id and parcel.compartment_id point at each other: the first FK
    # can only be added once both tables exist (batch mode: SQLite copies the table).
    with op.batch_alter_table("compartment") as batch:
        batch.create_foreign_key("fk_compartment_parcel_id_parcel", "parcel", ["parcel_id"], ["id"])
    _create_pickupcredential()
    _create_courier()
    _create_deviceevent()
    _create_outboxmessage()
    _create_notification()


def downgrade() -> None:
    for table in ("notification", "outboxmessage", "deviceevent", "courier", "pickupcredential"):
        op.drop_table(table)
    with op.batch_alter_table("compartment") as batch:
        batch.drop_constraint("fk_compartment_parcel_id_parcel", type_="foreignkey")
    for table in ("parcel", "compartment", "locker"):
        op.drop_table(table)


def _create_locker() -> None:
    op.create_table(
        "locker",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("device_key", sa.String(length=64), nullable=False),
        sa.Column("command_counter", sa.BigInteger(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_locker"),
    )


def _create_compartment() -> None:
    op.create_table(
        "compartment",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("size", sa.String(length=1), nullable=False),
        sa.Column("width_mm", sa.Integer(), nullable=False),
        sa.Column("height_mm", sa.Integer(), nullable=False),
        sa.Column("depth_mm", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["locker_id"], ["locker.id"], name="fk_compartment_locker_id_locker"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_compartment"),
        sa.UniqueConstraint("locker_id", "number", name="uq_compartment_locker_id_number"),
    )
    op.create_index("ix_compartment_locker_id", "compartment", ["locker_id"])


def _create_parcel() -> None:
    op.create_table(
        "parcel",
        sa.Column("width_mm", sa.Integer(), nullable=False),
        sa.Column("height_mm", sa.Integer(), nullable=False),
        sa.Column("depth_mm", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("compartment_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_phone", sa.String(length=16), nullable=True),
        sa.Column("recipient_email", sa.String(length=254), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deposited_at", sa.DateTime(), nullable=True),
        sa.Column("collected_at", sa.DateTime(), nullable=True),
        sa.Column("pickup_deadline", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["compartment_id"], ["compartment.id"], name="fk_parcel_compartment_id_compartment"
        ),
        sa.ForeignKeyConstraint(["locker_id"], ["locker.id"], name="fk_parcel_locker_id_locker"),
        sa.PrimaryKeyConstraint("id", name="pk_parcel"),
        sa.UniqueConstraint("carrier", "tracking_code", name="uq_parcel_carrier_tracking_code"),
    )
    op.create_index("ix_parcel_locker_id_tracking_code", "parcel", ["locker_id", "tracking_code"])


def _create_pickupcredential() -> None:
    op.create_table(
        "pickupcredential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=False),
        sa.Column("pin_hash", sa.String(length=64), nullable=False),
        sa.Column("board_verifier", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcel.id"], name="fk_pickupcredential_parcel_id_parcel"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pickupcredential"),
    )
    op.create_index("ix_pickupcredential_parcel_id", "pickupcredential", ["parcel_id"])
    op.create_index("ix_pickupcredential_pin_hash", "pickupcredential", ["pin_hash"])


def _create_courier() -> None:
    op.create_table(
        "courier",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_sealed", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_courier"),
        sa.UniqueConstraint("code_hash", name="uq_courier_code_hash"),
    )


def _create_deviceevent() -> None:
    op.create_table(
        "deviceevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["locker_id"], ["locker.id"], name="fk_deviceevent_locker_id_locker"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deviceevent"),
        sa.UniqueConstraint("locker_id", "seq", name="uq_deviceevent_locker_id_seq"),
    )


def _create_outboxmessage() -> None:
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("dropped_at", sa.DateTime(), nullable=True),
        sa.Column("counter", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["locker_id"], ["locker.id"], name="fk_outboxmessage_locker_id_locker"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outboxmessage"),
    )
    op.create_index("ix_outboxmessage_locker_id", "outboxmessage", ["locker_id"])


def _create_notification() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("sealed_pin", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcel.id"], name="fk_notification_parcel_id_parcel"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
    )
    op.create_index("ix_notification_parcel_id", "notification", ["parcel_id"])
