"""What the API and the admin show of route plans: plans, routes, stops, manifests, KPIs."""

import uuid
from datetime import date

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cloud.models.route_plan import PlanFigures


class PlanRequest(SQLModel):
    """Plan a depot's next wave now (POST /api/v1/depots/{id}/plans)."""

    seconds: float = Field(default=5.0, gt=0, le=120)  # the solver's time budget
    # Couriers to give the routes to, in order (the first route to the first courier, ...).
    couriers: list[uuid.UUID] = Field(default=[], max_length=500)


class ReplanRequest(SQLModel):
    """What changed since the plan was made (POST /api/v1/plans/{id}/replan). New parcels,
    lockers gone offline or full, and deposits already made are read from the database."""

    seconds: float = Field(default=2.0, gt=0, le=120)
    broken_down: list[str] = Field(default=[], max_length=500)  # vehicle ids
    offline: list[str] = Field(default=[], max_length=5000)  # locker ids to leave out
    # Legs no van can drive directly, as [from, to] pairs of locker or depot ids (both ways).
    blocked: list[tuple[str, str]] = Field(default=[], max_length=5000)


class ParcelOnPlan(SQLModel):
    parcel_id: uuid.UUID
    tracking_code: str
    carrier: str
    locker_id: str
    action: str  # deliver or collect
    size: str | None = None  # the compartment reserved for it, if any
    done_at: NaiveDatetime | None = None


class UnroutedParcel(SQLModel):
    parcel_id: uuid.UUID
    tracking_code: str
    locker_id: str
    action: str
    reason: str  # "not routed: locker full", ...
    alternative: str | None = None
    waves_missed: int = 0


class StopPublic(SQLModel):
    id: int
    seq: int
    locker_id: str
    locker_name: str
    latitude: float | None
    longitude: float | None
    eta: NaiveDatetime
    departs_at: NaiveDatetime
    km_from_previous: float
    deliveries: int
    pickups: int
    load_after: int
    litres_after: int
    done_at: NaiveDatetime | None
    parcels: list[ParcelOnPlan] = []


class RoutePublic(PlanFigures):
    id: int
    vehicle_id: str
    vehicle_type_id: str
    vehicle_type: str  # its name: "electric van"
    courier_id: uuid.UUID | None
    courier_name: str | None
    colour: int
    departs_at: NaiveDatetime
    returns_at: NaiveDatetime
    load_at_start: int
    broken_down_at: NaiveDatetime | None
    stops_list: list[StopPublic] = []


class DoorstepComparison(SQLModel):
    """The same parcels delivered to each recipient's door instead of to lockers."""

    failure_rate: float  # first-attempt failures at the door, as the operator set it
    km: float
    co2_g: float
    failed_attempts: float
    km_saved: float
    co2_saved_g: float
    failed_attempts_avoided: float


class PlanPublic(PlanFigures):
    id: uuid.UUID
    depot_id: str
    day: date
    wave: str
    state: str  # active or replaced
    replaces: uuid.UUID | None
    created_at: NaiveDatetime
    created_by: str
    starts_at: NaiveDatetime
    solver_seconds: float
    feasible: bool
    routes: list[RoutePublic] = []
    unrouted: list[UnroutedParcel] = []
    doorstep: DoorstepComparison | None = None
    changes: dict | None = None  # a re-plan: what moved, what was added or dropped
    notes: list[str] = []
    # Parcels redirected or held since the plan was made (cloud/planning/astray.py): the
    # maintenance loop re-plans it soon (cloud/planning/follow.py).
    astray: list[str] = []


class ManifestStop(SQLModel):
    seq: int
    locker_id: str
    locker_name: str
    address: str
    access_hours: str
    eta: NaiveDatetime
    done_at: NaiveDatetime | None
    drop: list[ParcelOnPlan]
    collect: list[ParcelOnPlan]


class Manifest(SQLModel):
    """A courier's sheet for one route: stops in order, ETAs, what to drop and collect."""

    plan_id: uuid.UUID
    route_id: int
    depot_id: str
    day: date
    vehicle_id: str
    vehicle_type: str
    courier_id: uuid.UUID | None
    courier_name: str | None
    departs_at: NaiveDatetime
    returns_at: NaiveDatetime
    km: float
    stops: list[ManifestStop]


class RoutingKpis(SQLModel):
    """From plans and the deposits boards reported (GET /api/v1/kpis/routing)."""

    since: NaiveDatetime
    until: NaiveDatetime
    plans: int
    stops_planned: int
    stops_done: int
    on_time_rate: float | None  # arrival within ETA +/- 15 min and within access hours
    km: float
    km_per_stop: float | None
    km_per_parcel: float | None
    co2_g_per_parcel: float | None
    cost_per_delivery: float | None
    parcels_per_stop: float | None
    parcels: int
    doorstep_km_per_parcel: float | None
    doorstep_co2_g_per_parcel: float | None
