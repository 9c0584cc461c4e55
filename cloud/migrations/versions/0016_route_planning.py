"""issue 12 — route planning: depots, vehicle types and vehicles, plans, routes, stops.

Lockers get their depot and access hours; parcels count the dispatch waves that missed them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CODE = sa.String(length=32)
VEHICLE = sa.String(length=40)
CLOCK = sa.String(length=5)


def figures() -> list[sa.Column]:
    return [
        sa.Column("km", sa.Float(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("co2_g", sa.Float(), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("pickups", sa.Integer(), nullable=False),
        sa.Column("stops", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    _setup_tables()
    _plan_tables()
    # In place, not in batch mode: batch mode would copy the locker and parcel tables, which
    # the rows referencing them (foreign keys are enforced) do not allow.
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a reference only inline
        op.execute("ALTER TABLE locker ADD COLUMN depot_id VARCHAR(32) REFERENCES depot (id)")
    else:
        op.add_column(
            "locker", sa.Column("depot_id", CODE, sa.ForeignKey("depot.id"), nullable=True)
        )
    op.add_column(
        "locker",
        sa.Column("access_hours", sa.String(length=11), nullable=False, server_default="24/7"),
    )
    op.add_column(
        "parcel", sa.Column("waves_missed", sa.Integer(), nullable=False, server_default="0")
    )


def _setup_tables() -> None:
    op.create_table(
        "depot",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("opens", CLOCK, nullable=False),
        sa.Column("closes", CLOCK, nullable=False),
        sa.Column("cutoffs", sa.String(length=72), nullable=False),
        sa.Column("id", CODE, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "vehicle_type",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("capacity_parcels", sa.Integer(), nullable=False),
        sa.Column("capacity_litres", sa.Integer(), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        sa.Column("shift_start", CLOCK, nullable=False),
        sa.Column("shift_end", CLOCK, nullable=False),
        sa.Column("cost_per_km", sa.Float(), nullable=False),
        sa.Column("cost_per_hour", sa.Float(), nullable=False),
        sa.Column("co2_g_per_km", sa.Float(), nullable=False),
        sa.Column("range_km", sa.Float(), nullable=True),
        sa.Column("service_minutes", sa.Float(), nullable=False),
        sa.Column("id", CODE, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "vehicle",
        sa.Column("id", VEHICLE, nullable=False),
        sa.Column("depot_id", CODE, nullable=False),
        sa.Column("vehicle_type_id", CODE, nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["depot_id"], ["depot.id"]),
        sa.ForeignKeyConstraint(["vehicle_type_id"], ["vehicle_type.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vehicle_depot_id", "vehicle", ["depot_id"])


def _plan_tables() -> None:
    op.create_table(
        "route_plan",
        *figures(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("depot_id", CODE, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("wave", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("replaces", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("solver_seconds", sa.Float(), nullable=False),
        sa.Column("feasible", sa.Boolean(), nullable=False),
        sa.Column("unrouted", sa.Integer(), nullable=False),
        sa.Column("doorstep_km", sa.Float(), nullable=False),
        sa.Column("doorstep_co2_g", sa.Float(), nullable=False),
        sa.Column("doorstep_failed_attempts", sa.Float(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["depot_id"], ["depot.id"]),
        sa.ForeignKeyConstraint(["replaces"], ["route_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_route_plan_depot_day", "route_plan", ["depot_id", "day"])
    op.create_table(
        "plan_route",
        *figures(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", VEHICLE, nullable=False),
        sa.Column("courier_id", sa.Uuid(), nullable=True),
        sa.Column("colour", sa.Integer(), nullable=False),
        sa.Column("departs_at", sa.DateTime(), nullable=False),
        sa.Column("returns_at", sa.DateTime(), nullable=False),
        sa.Column("load_at_start", sa.Integer(), nullable=False),
        sa.Column("broken_down_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["courier_id"], ["courier.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["route_plan.id"]),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicle.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_route_plan_id", "plan_route", ["plan_id"])
    op.create_table(
        "plan_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("locker_id", CODE, nullable=False),
        sa.Column("eta", sa.DateTime(), nullable=False),
        sa.Column("departs_at", sa.DateTime(), nullable=False),
        sa.Column("km_from_previous", sa.Float(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("pickups", sa.Integer(), nullable=False),
        sa.Column("load_after", sa.Integer(), nullable=False),
        sa.Column("litres_after", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["locker_id"], ["locker.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["route_plan.id"]),
        sa.ForeignKeyConstraint(["route_id"], ["plan_route.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("route_id", "seq"),
    )
    op.create_index("ix_plan_stop_plan_id", "plan_stop", ["plan_id"])
    op.create_table(
        "plan_parcel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=False),
        sa.Column("locker_id", CODE, nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("stop_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("alternative", sa.String(length=200), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["parcel_id"], ["parcel.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["route_plan.id"]),
        sa.ForeignKeyConstraint(["stop_id"], ["plan_stop.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_parcel_plan_id", "plan_parcel", ["plan_id"])
    op.create_index("ix_plan_parcel_parcel", "plan_parcel", ["parcel_id"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (("parcel", "waves_missed"), ("locker", "access_hours")):
        # In place (SQLite >= 3.35): batch mode would copy tables that rows reference.
        if sqlite:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
    if sqlite:
        op.execute("ALTER TABLE locker DROP COLUMN depot_id")
    else:
        op.drop_constraint("locker_depot_id_fkey", "locker", type_="foreignkey")
        op.drop_column("locker", "depot_id")
    for table in ("plan_parcel", "plan_stop", "plan_route", "route_plan", "vehicle"):
        op.drop_table(table)
    op.drop_table("vehicle_type")
    op.drop_table("depot")
