"""issue 5 — courier routes of the day, remote opens, contact purge.

courier_route_stop: which lockers a courier may use on which day; courier_list_sent: the day
and couriers of the list each locker was last sent (the day rollover's memory); remote_open:
every remote door opening asked for, refused ones too; parcel.life_ended_at / purged_at: the
clock and the mark of the contact-data purge; alarm.kind widened for remote_open_burst.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courier_route_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courier_id", sa.Uuid(), nullable=False),
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["courier_id"], ["courier.id"], name="fk_courier_route_stop_courier_id_courier"
        ),
        sa.ForeignKeyConstraint(
            ["locker_id"], ["locker.id"], name="fk_courier_route_stop_locker_id_locker"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_courier_route_stop"),
        sa.UniqueConstraint(
            "courier_id", "locker_id", "day", name="uq_courier_route_stop_courier_id_locker_id_day"
        ),
    )
    op.create_index(
        "ix_courier_route_stop_locker_id_day", "courier_route_stop", ["locker_id", "day"]
    )
    op.create_table(
        "courier_list_sent",
        sa.Column("locker_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("courier_ids", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["locker_id"], ["locker.id"], name="fk_courier_list_sent_locker_id_locker"
        ),
        sa.PrimaryKeyConstraint("locker_id", name="pk_courier_list_sent"),
    )
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
    with op.batch_alter_table("parcel") as batch:
        batch.add_column(sa.Column("life_ended_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("alarm") as batch:  # "remote_open_burst" is 17 characters
        batch.alter_column(
            "kind",
            type_=sa.String(length=32),
            existing_type=sa.String(length=16),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("alarm") as batch:
        batch.alter_column(
            "kind",
            type_=sa.String(length=16),
            existing_type=sa.String(length=32),
            existing_nullable=False,
        )
    with op.batch_alter_table("parcel") as batch:
        batch.drop_column("purged_at")
        batch.drop_column("life_ended_at")
    op.drop_index("ix_remote_open_operator", table_name="remote_open")
    op.drop_index("ix_remote_open_locker_id", table_name="remote_open")
    op.drop_index("ix_remote_open_at", table_name="remote_open")
    op.drop_table("remote_open")
    op.drop_table("courier_list_sent")
    op.drop_index("ix_courier_route_stop_locker_id_day", table_name="courier_route_stop")
    op.drop_table("courier_route_stop")
