"""Where a plan stands mid-day: what each van has driven, where it is, what it carries.

A stop is driven once a board reported a deposit or collection there (`done_at`) or its planned
departure has passed. A van that has left the depot carries the deliveries of its stops not yet
driven, the parcels redirected away from a stop it drove (its locker was full at the deposit),
and the parcels it collected; it can only take new parcels by going back to the depot."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import Locker, Parcel, PlanParcel, PlanRoute, PlanStop, RoutePlan
from cloud.planning.wave import COLLECT, DELIVER, litres_of
from cloud.services.errors import Conflict, NotFound


@dataclass(frozen=True)
class Driven:
    """A stop already driven, copied into the re-plan as it was."""

    stop: PlanStop
    parcels: tuple[PlanParcel, ...]


@dataclass
class Underway:
    vehicle_id: str
    route_id: int
    courier_id: uuid.UUID | None
    departs_at: datetime
    departed: bool  # left the depot and not yet back: it carries what it has not dropped
    home_again: bool  # drove its route and is back: free for new parcels
    position: tuple[float, float] | None  # None: still at the depot
    position_name: str
    driven: list[Driven] = field(default_factory=list)
    ahead: list[str] = field(default_factory=list)  # lockers still to visit, in planned order
    aboard: set[uuid.UUID] = field(default_factory=set)  # deliveries loaded, not yet dropped
    collected: tuple[int, int] = (0, 0)  # parcels and litres picked up so far
    km_driven: float = 0.0


def active_plan(session: Session, plan_id: uuid.UUID) -> RoutePlan:
    plan = session.get(RoutePlan, plan_id)
    if plan is None:
        raise NotFound("plan", plan_id)
    if plan.state != "active":
        raise Conflict(
            "plan_replaced", f"plan {plan_id} was already replaced: re-plan its newest version"
        )
    return plan


def underway(session: Session, plan: RoutePlan, now: datetime) -> list[Underway]:
    """Each route of the plan as it stands at `now`."""
    routes = session.exec(
        select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(col(PlanRoute.colour))
    ).all()
    return [_route_state(session, route, now) for route in routes]


def _route_state(session: Session, route: PlanRoute, now: datetime) -> Underway:
    stops = session.exec(
        select(PlanStop).where(PlanStop.route_id == route.id).order_by(col(PlanStop.seq))
    ).all()
    state = Underway(
        vehicle_id=route.vehicle_id,
        route_id=route.id,
        courier_id=route.courier_id,
        departs_at=route.departs_at,
        departed=route.departs_at <= now < route.returns_at,
        home_again=route.returns_at <= now,
        position=None,
        position_name="depot",
    )
    collected = [0, 0]
    for stop in stops:
        parcels = session.exec(select(PlanParcel).where(PlanParcel.stop_id == stop.id)).all()
        driven = state.home_again or (
            state.departed and (stop.done_at is not None or stop.departs_at <= now)
        )
        if driven:
            redirected = {row.parcel_id for row in parcels if _redirected(session, row)}
            kept = tuple(_copy(row) for row in parcels if row.parcel_id not in redirected)
            state.driven.append(Driven(_copy(stop), kept))
            if state.departed:  # the locker was full: the van carries it on to its new one
                state.aboard.update(redirected)
            state.km_driven += stop.km_from_previous
            locker = session.get(Locker, stop.locker_id)
            state.position = (locker.latitude, locker.longitude)
            state.position_name = locker.id
            for row in parcels:
                if row.action == COLLECT and _taken_away(session, row.parcel_id):
                    collected[0] += 1
                    collected[1] += litres_of(session.get(Parcel, row.parcel_id))
            continue
        state.ahead.append(stop.locker_id)
        if state.departed:
            state.aboard.update(row.parcel_id for row in parcels if row.action == DELIVER)
    state.collected = (collected[0], collected[1])
    return state


def _redirected(session: Session, row: PlanParcel) -> bool:
    """A delivery not dropped at its stop but sent to another locker (full at the deposit)."""
    if row.action != DELIVER or row.done_at is not None:
        return False
    return session.get(Parcel, row.parcel_id).locker_id != row.locker_id


def _taken_away(session: Session, parcel_id: uuid.UUID) -> bool:
    return session.get(Parcel, parcel_id).returned_at is not None


def _copy(row):
    """A detached copy: it outlives the transaction that read it."""
    return type(row)(**row.model_dump())
