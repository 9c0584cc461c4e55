"""Re-plan mid-day: re-optimise only what is not yet driven, warm-started from the plan.

New parcels, lockers offline or full, and deposits already made are read from the database;
broken-down vans, lockers to leave out and blocked legs come with the request. The new plan
replaces the old one (kept, marked replaced) and says what changed."""

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from cloud.core.config import Settings, get_settings
from cloud.db import transaction
from cloud.models import Parcel, PlanParcel, PlanRoute, PlanStop, RoutePlan, Vehicle
from cloud.models.plan_views import ReplanRequest
from cloud.planning.couriers import feed_routes
from cloud.planning.replan_build import build_replan
from cloud.planning.run import compare_doorstep, routed_deliveries, travel_for
from cloud.planning.store import store_plan
from cloud.planning.underway import active_plan, underway
from cloud.planning.wave import DELIVER, read_wave
from cloud.routing.solver import solve
from cloud.services.errors import Conflict, Invalid, NotFound

# Plans this process is re-planning now: a second re-plan of one of them would solve in vain
# (the first to finish replaces the plan; the other is refused). Other processes are kept
# apart by the check that the plan is still active when the new one is stored.
_running: set[uuid.UUID] = set()
_running_lock = threading.Lock()


def replan(
    engine: Engine,
    plan_id: uuid.UUID,
    now: datetime,
    *,
    actor: str,
    request: ReplanRequest,
    settings: Settings | None = None,
) -> uuid.UUID:
    """Plan again what the plan has not yet driven; the new plan's id."""
    with _only_one(plan_id):
        return _replan(engine, plan_id, now, actor=actor, request=request, settings=settings)


def is_replanning(plan_id: uuid.UUID) -> bool:
    """Whether this process is re-planning the plan now."""
    with _running_lock:
        return plan_id in _running


@contextmanager
def _only_one(plan_id: uuid.UUID) -> Iterator[None]:
    with _running_lock:
        if plan_id in _running:
            raise Conflict("replan_running", f"plan {plan_id} is being re-planned already")
        _running.add(plan_id)
    try:
        yield
    finally:
        with _running_lock:
            _running.discard(plan_id)


def _replan(
    engine: Engine,
    plan_id: uuid.UUID,
    now: datetime,
    *,
    actor: str,
    request: ReplanRequest,
    settings: Settings | None,
) -> uuid.UUID:
    settings = settings or get_settings()
    with transaction(engine, now=now) as session:
        plan = active_plan(session, plan_id)
        _known_vehicles(session, plan, request)
        wave = read_wave(session, plan.depot_id, now, plan.wave, besides=plan.id)
        _known_places(wave, request)
        states = underway(session, plan, now)
        before = _placement(session, plan.id)
        old_km = plan.km
    travel = travel_for(settings)
    built, warm = build_replan(wave, states, request, travel)
    solution = solve(built.problem, seconds=request.seconds, warm_start=warm)
    compared = _doorstep(wave, built, solution, states, travel, settings)
    with transaction(engine, now=now) as session:
        plan = session.get(RoutePlan, plan_id)
        if plan.state != "active":
            raise Conflict("plan_replaced", f"plan {plan_id} was re-planned meanwhile")
        plan.state = "replaced"
        history = {s.vehicle_id: s for s in states if s.departed or s.home_again}
        new = store_plan(
            session, wave, built, solution, now, actor=actor, replaces=plan, history=history
        )
        _broken_down(session, new, request, now)
        compared.record_on(new, new.co2_g / new.km if new.km else 0.0)
        after = _placement(session, new.id)
        new.changes = json.dumps(_changes(request, before, after, old_km, new.km, solution))
        _refresh_couriers(session, new, now, actor, settings)
        return new.id


def _doorstep(wave, built, solution, states, travel, settings):
    """The doorstep comparison for every parcel the new plan delivers, driven ones too."""
    driven = [
        (wave.sites[row.locker_id].point, row.parcel_id.bytes)
        for state in states
        for stop in state.driven
        for row in stop.parcels
        if row.action == DELIVER and row.locker_id in wave.sites
    ]
    planned = routed_deliveries(wave, built, solution)
    return compare_doorstep(wave, driven + planned, travel, settings, 1.0)


def _known_vehicles(session: Session, plan: RoutePlan, request: ReplanRequest) -> None:
    for vehicle_id in request.broken_down:
        vehicle = session.get(Vehicle, vehicle_id)
        if vehicle is None or vehicle.depot_id != plan.depot_id:
            raise NotFound("vehicle", f"{vehicle_id} of depot {plan.depot_id}")


def _known_places(wave, request: ReplanRequest) -> None:
    """Offline lockers and blocked legs name the depot's own lockers (and the depot itself)."""
    known = set(wave.sites) | {wave.depot_id}
    for locker_id in request.offline:
        if locker_id not in wave.sites:
            raise NotFound("locker", f"{locker_id} of depot {wave.depot_id}")
    for leg in request.blocked:
        for end in leg:
            if end not in known:
                raise NotFound("place", f"{end} (a blocked leg names a locker or the depot)")
        if leg[0] == leg[1]:
            raise Invalid("blocked_leg_to_itself", f"a leg from {leg[0]} to itself is no road")


def _placement(session: Session, plan_id: uuid.UUID) -> dict[str, str]:
    """tracking code -> the vehicle carrying it, or the reason it is not routed."""
    query = (
        select(PlanParcel, Parcel.tracking_code, PlanRoute.vehicle_id)
        .join(Parcel, col(Parcel.id) == PlanParcel.parcel_id)
        .outerjoin(PlanStop, col(PlanStop.id) == PlanParcel.stop_id)
        .outerjoin(PlanRoute, col(PlanRoute.id) == PlanStop.route_id)
        .where(PlanParcel.plan_id == plan_id)
    )
    return {
        code: vehicle if vehicle else f"unrouted ({row.reason})"
        for row, code, vehicle in session.exec(query).all()
    }


def _changes(request, before: dict, after: dict, old_km: float, new_km: float, solution) -> dict:
    moved = [
        {"parcel": code, "from": before[code], "to": after[code]}
        for code in sorted(set(before) & set(after))
        if before[code] != after[code]
    ]
    return {
        "broken_down": request.broken_down,
        "offline": request.offline,
        "blocked": [list(pair) for pair in request.blocked],
        "added": sorted(code for code in set(after) - set(before)),
        "done_or_gone": sorted(set(before) - set(after)),
        "moved": moved,
        "km_before": old_km,
        "km_after": new_km,
        "warm_start": "warm start" in solution.notes,
    }


def _broken_down(session: Session, plan: RoutePlan, request: ReplanRequest, now) -> None:
    """A broken-down van is out of service (an operator puts it back in the depot's fleet)."""
    for vehicle_id in request.broken_down:
        session.get(Vehicle, vehicle_id).in_service = False
        for route in session.exec(
            select(PlanRoute).where(
                PlanRoute.plan_id == plan.id, PlanRoute.vehicle_id == vehicle_id
            )
        ).all():
            route.broken_down_at = now


def _refresh_couriers(session: Session, plan: RoutePlan, now, actor, settings) -> None:
    """Couriers keep their vans' routes; their codes open the lockers of the new routes."""
    day = plan.starts_at.date()
    routes = session.exec(select(PlanRoute).where(PlanRoute.plan_id == plan.id)).all()
    couriers = [route.courier_id for route in routes if route.courier_id]
    feed_routes(session, couriers, day, now, actor=actor, settings=settings)
