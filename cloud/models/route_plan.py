"""Route plans: a depot's wave planned into routes (one per vehicle) of ordered stops.

A plan is kept as it was made; a re-plan is a new plan that `replaces` it, with the stops
already driven copied as done. Each parcel of the wave has a PlanParcel row: which stop drops
or collects it, or why it was not routed."""

import uuid
from datetime import date

from pydantic import NaiveDatetime
from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH

PLAN_STATES = ("active", "replaced")
PARCEL_ACTIONS = ("deliver", "collect")


class PlanFigures(SQLModel):
    """What a plan (or one route of it) costs."""

    km: float = 0.0
    duration_s: int = 0
    cost: float = 0.0
    co2_g: float = 0.0
    parcels: int = 0  # to deliver
    pickups: int = 0  # expired parcels and returns to collect
    stops: int = 0


class RoutePlan(PlanFigures, table=True):
    __tablename__ = "route_plan"
    __table_args__ = (Index("ix_route_plan_depot_day", "depot_id", "day"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    depot_id: str = Field(foreign_key="depot.id", max_length=CODE_LENGTH)
    day: date  # the depot's local day
    wave: str = Field(max_length=16)  # the cut-off "06:00", or "on demand"
    state: str = Field(default="active", max_length=16)
    replaces: uuid.UUID | None = Field(default=None, foreign_key="route_plan.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=100)
    starts_at: NaiveDatetime  # the planning clock's zero: vans leave at or after it
    solver_seconds: float = 0.0
    feasible: bool = True
    unrouted: int = 0
    # The same parcels delivered to each recipient's door instead (cloud/planning/doorstep.py).
    doorstep_km: float = 0.0
    doorstep_co2_g: float = 0.0
    doorstep_failed_attempts: float = 0.0
    changes: str = Field(default="", sa_type=Text)  # a re-plan's differences, as JSON
    notes: str = Field(default="", sa_type=Text)


class PlanRoute(PlanFigures, table=True):
    __tablename__ = "plan_route"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="route_plan.id", index=True)
    vehicle_id: str = Field(foreign_key="vehicle.id", max_length=CODE_LENGTH + 8)
    courier_id: uuid.UUID | None = Field(default=None, foreign_key="courier.id")
    colour: int = 0  # index into the admin's palette
    departs_at: NaiveDatetime
    returns_at: NaiveDatetime
    load_at_start: int = 0  # parcels aboard when it leaves
    broken_down_at: NaiveDatetime | None = None


class PlanStop(SQLModel, table=True):
    __tablename__ = "plan_stop"
    __table_args__ = (UniqueConstraint("route_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="route_plan.id", index=True)
    route_id: int = Field(foreign_key="plan_route.id")
    seq: int  # 1, 2, ... in driving order
    locker_id: str = Field(foreign_key="locker.id", max_length=CODE_LENGTH)
    eta: NaiveDatetime
    departs_at: NaiveDatetime
    km_from_previous: float = 0.0
    deliveries: int = 0
    pickups: int = 0
    load_after: int = 0  # parcels aboard after the stop
    litres_after: int = 0
    done_at: NaiveDatetime | None = None  # the first deposit or collection a board reported


class PlanParcel(SQLModel, table=True):
    __tablename__ = "plan_parcel"
    __table_args__ = (Index("ix_plan_parcel_parcel", "parcel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="route_plan.id", index=True)
    parcel_id: uuid.UUID = Field(foreign_key="parcel.id")
    locker_id: str = Field(max_length=CODE_LENGTH)
    action: str = Field(max_length=8)  # PARCEL_ACTIONS
    stop_id: int | None = Field(default=None, foreign_key="plan_stop.id")
    reason: str | None = Field(default=None, max_length=200)  # why it was not routed
    alternative: str | None = Field(default=None, max_length=200)  # what could be done instead
    done_at: NaiveDatetime | None = None  # deposited (deliver) or taken away (collect)
