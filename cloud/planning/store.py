"""A solved wave kept in the database: the plan, a route per van, its stops, its parcels."""

import json
import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.models import Parcel, PlanParcel, PlanRoute, PlanStop, RoutePlan
from cloud.planning.build import Built, load_of
from cloud.planning.underway import Underway
from cloud.planning.wave import COLLECT, DELIVER, Van, Wave
from cloud.routing.model import PlannedRoute, Solution
from cloud.services import alarms, audit

NOT_FITTED = (
    "not routed: no room or time left in this wave's vehicles",
    "it stays for the next wave",
)
ALARM_AFTER_MISSES = 2


def store_plan(
    session: Session,
    wave: Wave,
    built: Built,
    solution: Solution,
    now: datetime,
    *,
    actor: str,
    replaces: RoutePlan | None = None,
    history: dict[str, Underway] | None = None,
) -> RoutePlan:
    """Keep the plan and its routes; count a missed wave on every parcel left out.

    A re-plan passes the `history` of each van: the stops it already drove come first on its
    new route, as they were."""
    history = history or {}
    plan = RoutePlan(
        depot_id=wave.depot_id,
        day=wave.day,
        wave=wave.wave,
        replaces=replaces.id if replaces else None,
        created_at=now,
        created_by=actor,
        starts_at=wave.starts_at,
        solver_seconds=round(solution.seconds, 3),
        feasible=solution.feasible,
        notes=json.dumps(list(solution.notes)),
    )
    session.add(plan)
    session.flush()
    vans = {index: list(group) for index, group in enumerate(built.vehicle_vans)}
    routed = set()
    for colour, route in enumerate(solution.routes):
        van = vans[route.vehicle].pop(0)
        routed.add(van.id)
        _store_route(session, plan, wave, built, route, van, colour, history.get(van.id))
    for van_id, past in sorted(history.items()):
        if van_id not in routed and past.driven:
            van = wave.fleet.get(van_id)
            _store_driven_only(session, plan, past, van, len(solution.routes) + len(routed))
            routed.add(van_id)
    for stop in solution.unplanned:
        for job in built.stop_jobs[stop]:
            wave.refused.setdefault(job.parcel_id, NOT_FITTED)
    _store_refused(session, plan, wave, now, count_misses=replaces is None)
    _totals(session, plan)
    audit.record(
        session,
        actor,
        "route_plan_made" if replaces is None else "route_plan_replanned",
        f"depot:{wave.depot_id}",
        now,
        plan=str(plan.id),
        wave=wave.wave,
        routes=len(solution.routes),
        unrouted=plan.unrouted,
    )
    return plan


def _store_route(
    session, plan, wave, built, route: PlannedRoute, van: Van, colour: int, past: Underway | None
) -> None:
    at = lambda seconds: wave.starts_at + timedelta(seconds=seconds)  # noqa: E731
    km = route.distance / 1000 + (past.km_driven if past else 0.0)
    hours = route.duration / 3600
    row = PlanRoute(
        plan_id=plan.id,
        vehicle_id=van.id,
        courier_id=past.courier_id if past else None,
        colour=colour,
        departs_at=past.departs_at if past and past.driven else at(route.start),
        returns_at=at(route.end),
        load_at_start=route.load_at_start[0] if route.load_at_start else 0,
        km=round(km, 3),
        duration_s=route.duration,
        cost=round(km * van.cost_per_km + hours * van.cost_per_hour, 2),
        co2_g=round(km * van.co2_g_per_km, 1),
        stops=len(route.visits) + (len(past.driven) if past else 0),
    )
    session.add(row)
    session.flush()
    driven = _copy_driven(session, plan, row, past)
    previous = built.problem.depots[route_start_depot(built, route)].place
    for seq, visit in enumerate(route.visits, start=driven + 1):
        jobs = built.stop_jobs[visit.stop]
        place = built.problem.stops[visit.stop].place
        stop = PlanStop(
            plan_id=plan.id,
            route_id=row.id,
            seq=seq,
            locker_id=built.stop_site[visit.stop],
            eta=at(visit.start),
            departs_at=at(visit.departure),
            km_from_previous=round(float(built.distances[previous, place]) / 1000, 3),
            deliveries=load_of(jobs, DELIVER)[0],
            pickups=load_of(jobs, COLLECT)[0],
            load_after=visit.load_after[0],
            litres_after=visit.load_after[1],
        )
        previous = place
        session.add(stop)
        session.flush()
        row.parcels += stop.deliveries
        row.pickups += stop.pickups
        for job in jobs:
            session.add(
                PlanParcel(
                    plan_id=plan.id,
                    parcel_id=job.parcel_id,
                    locker_id=job.locker_id,
                    action=job.action,
                    stop_id=stop.id,
                )
            )


def route_start_depot(built: Built, route: PlannedRoute) -> int:
    return built.problem.vehicles[route.vehicle].start_depot


def _copy_driven(session: Session, plan: RoutePlan, row: PlanRoute, past: Underway | None) -> int:
    """The stops the van already drove, first on its new route; how many."""
    if past is None:
        return 0
    for seq, driven in enumerate(past.driven, start=1):
        stop = PlanStop(
            **driven.stop.model_dump(exclude={"id", "plan_id", "route_id", "seq"}),
            plan_id=plan.id,
            route_id=row.id,
            seq=seq,
        )
        session.add(stop)
        session.flush()
        row.parcels += stop.deliveries
        row.pickups += stop.pickups
        for parcel in driven.parcels:
            session.add(
                PlanParcel(
                    **parcel.model_dump(exclude={"id", "plan_id", "stop_id"}),
                    plan_id=plan.id,
                    stop_id=stop.id,
                )
            )
    return len(past.driven)


def _store_driven_only(
    session: Session, plan: RoutePlan, past: Underway, van: Van | None, colour: int
) -> None:
    """A van with nothing left to do (or broken down) keeps the route it drove."""
    last = past.driven[-1].stop
    hours = (last.departs_at - past.departs_at).total_seconds() / 3600
    row = PlanRoute(
        plan_id=plan.id,
        vehicle_id=past.vehicle_id,
        courier_id=past.courier_id,
        colour=colour,
        departs_at=past.departs_at,
        returns_at=last.departs_at,
        km=round(past.km_driven, 3),
        duration_s=int(hours * 3600),
        cost=round(past.km_driven * van.cost_per_km + hours * van.cost_per_hour, 2) if van else 0.0,
        co2_g=round(past.km_driven * van.co2_g_per_km, 1) if van else 0.0,
        stops=len(past.driven),
    )
    session.add(row)
    session.flush()
    _copy_driven(session, plan, row, past)


def _store_refused(session: Session, plan: RoutePlan, wave: Wave, now, *, count_misses) -> None:
    for parcel_id, (reason, alternative) in sorted(wave.refused.items(), key=lambda i: str(i[0])):
        job = wave.job(parcel_id)
        session.add(
            PlanParcel(
                plan_id=plan.id,
                parcel_id=parcel_id,
                locker_id=job.locker_id,
                action=job.action,
                reason=reason[:200],
                alternative=alternative[:200] if alternative else None,
            )
        )
        if count_misses and job.action == DELIVER:
            _missed(session, parcel_id, reason, now)


def _missed(session: Session, parcel_id: uuid.UUID, reason: str, now: datetime) -> None:
    parcel = session.get(Parcel, parcel_id)
    parcel.waves_missed += 1
    if parcel.waves_missed == ALARM_AFTER_MISSES:
        alarms.raise_alarm(
            session,
            parcel.locker_id,
            "parcel_not_routed",
            f"parcel {parcel.tracking_code} missed {parcel.waves_missed} dispatch waves: {reason}",
            now,
        )


def _totals(session: Session, plan: RoutePlan) -> None:
    routes = session.exec(select(PlanRoute).where(PlanRoute.plan_id == plan.id)).all()
    for name in ("km", "duration_s", "cost", "co2_g", "parcels", "pickups", "stops"):
        setattr(plan, name, sum(getattr(route, name) for route in routes))
    plan.km, plan.cost, plan.co2_g = round(plan.km, 3), round(plan.cost, 2), round(plan.co2_g, 1)
    plan.unrouted = len(
        session.exec(
            select(PlanParcel.id).where(
                PlanParcel.plan_id == plan.id, col(PlanParcel.stop_id).is_(None)
            )
        ).all()
    )
