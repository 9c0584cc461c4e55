"""Plan a depot's wave: read it, solve it with no transaction open, keep the answer.

The solver may run for a minute; holding a database transaction that long would block the
boards' events on SQLite and keep a snapshot on PostgreSQL. So the wave is read in one short
transaction and the plan written in another, which refuses to keep a plan whose parcels another
plan took in between."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine

from cloud.core.config import Settings, get_settings
from cloud.db import transaction
from cloud.planning.build import build
from cloud.planning.couriers import assign_in_order
from cloud.planning.doorstep import Doorstep, doorstep
from cloud.planning.store import store_plan
from cloud.planning.triage import refuse_unplannable
from cloud.planning.wave import DELIVER, on_active_plans, read_wave
from cloud.routing.solver import solve
from cloud.routing.travel import GreatCircle, OsrmTable, Travel
from cloud.services.errors import Conflict

ON_DEMAND = "on demand"


def travel_for(settings: Settings) -> Travel:
    """The travel times the settings choose: a road network's where one is named."""
    if settings.routing_osrm_url:
        return OsrmTable(settings.routing_osrm_url)
    return GreatCircle(settings.routing_circuity)


def plan_depot(
    engine: Engine,
    depot_id: str,
    now: datetime,
    *,
    actor: str,
    wave: str = ON_DEMAND,
    seconds: float = 5.0,
    couriers: Sequence[uuid.UUID] = (),
    settings: Settings | None = None,
) -> uuid.UUID:
    """Plan the depot's parcels that no active plan of the day carries; the new plan's id."""
    settings = settings or get_settings()
    travel = travel_for(settings)
    with transaction(engine, now=now) as session:
        read = read_wave(session, depot_id, now, wave)
    refuse_unplannable(read)
    built = build(read, travel)
    solution = solve(built.problem, seconds=seconds)
    compared = _doorstep(read, built, solution, travel, settings, seconds)
    with transaction(engine, now=now) as session:
        taken = on_active_plans(session, read.depot_id, read.day)
        if taken & {job.parcel_id for job in read.jobs}:
            raise Conflict(
                "plan_overtaken",
                f"another plan of depot {depot_id} took some of these parcels meanwhile: "
                "read it, or re-plan it",
            )
        plan = store_plan(session, read, built, solution, now, actor=actor)
        compared.record_on(plan, plan.co2_g / plan.km if plan.km else 0.0)
        assign_in_order(session, plan, couriers, now, actor=actor, settings=settings)
        return plan.id


def _doorstep(wave, built, solution, travel, settings, seconds) -> Doorstep:
    """The doorstep comparison for the parcels the plan delivers, solved before the plan's
    transaction opens."""
    return compare_doorstep(
        wave, routed_deliveries(wave, built, solution), travel, settings, seconds
    )


def routed_deliveries(wave, built, solution) -> list[tuple[tuple[float, float], bytes]]:
    """(locker point, parcel id) of every parcel the solution drops."""
    return [
        (wave.sites[built.stop_site[visit.stop]].point, job.parcel_id.bytes)
        for route in solution.routes
        for visit in route.visits
        for job in built.stop_jobs[visit.stop]
        if job.action == DELIVER
    ]


def compare_doorstep(wave, deliveries, travel, settings, seconds) -> Doorstep:
    return doorstep(
        wave.depot_point,
        deliveries,
        max((van.capacity_parcels for van in wave.vans), default=1),
        travel,
        failure_rate=settings.doorstep_failure_rate,
        radius_m=settings.doorstep_radius_m,
        seconds=min(5.0, max(0.5, seconds / 2)),
    )
