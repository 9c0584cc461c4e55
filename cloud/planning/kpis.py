"""Routing KPIs from the active plans of a period and the deposits boards reported.

A stop is on time when the first deposit or collection there came within ETA_SLACK of its ETA
and within the locker's access hours."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.models import Depot, Locker, PlanStop, RoutePlan
from cloud.models.plan_views import RoutingKpis
from cloud.planning import hours

ETA_SLACK = timedelta(minutes=15)


def routing_kpis(
    session: Session, since: datetime, until: datetime, depot_id: str | None = None
) -> RoutingKpis:
    query = select(RoutePlan).where(
        RoutePlan.state == "active",
        col(RoutePlan.starts_at) >= since,
        col(RoutePlan.starts_at) < until,
    )
    if depot_id is not None:
        query = query.where(RoutePlan.depot_id == depot_id)
    plans = session.exec(query).all()
    stops = session.exec(
        select(PlanStop).where(col(PlanStop.plan_id).in_([plan.id for plan in plans]))
    ).all()
    done = [stop for stop in stops if stop.done_at is not None]
    on_time = [stop for stop in done if _on_time(session, stop, plans)]
    km = sum(plan.km for plan in plans)
    parcels = sum(plan.parcels for plan in plans)
    moved = parcels + sum(plan.pickups for plan in plans)
    return RoutingKpis(
        since=since,
        until=until,
        plans=len(plans),
        stops_planned=len(stops),
        stops_done=len(done),
        on_time_rate=_ratio(len(on_time), len(done), 4),
        km=round(km, 3),
        km_per_stop=_ratio(km, len(stops)),
        km_per_parcel=_ratio(km, parcels),
        co2_g_per_parcel=_ratio(sum(plan.co2_g for plan in plans), parcels),
        cost_per_delivery=_ratio(sum(plan.cost for plan in plans), parcels),
        parcels_per_stop=_ratio(moved, len(stops)),
        parcels=parcels,
        doorstep_km_per_parcel=_ratio(sum(plan.doorstep_km for plan in plans), parcels),
        doorstep_co2_g_per_parcel=_ratio(sum(plan.doorstep_co2_g for plan in plans), parcels),
    )


def _on_time(session: Session, stop: PlanStop, plans: list[RoutePlan]) -> bool:
    if abs(stop.done_at - stop.eta) > ETA_SLACK:
        return False
    locker = session.get(Locker, stop.locker_id)
    if locker.access_hours == "24/7":
        return True
    plan = next(plan for plan in plans if plan.id == stop.plan_id)
    zone = session.get(Depot, plan.depot_id).timezone
    day = hours.local_day(stop.done_at, zone)
    opens, closes = locker.access_hours.split("-")
    return hours.utc_at(day, opens, zone) <= stop.done_at <= hours.utc_at(day, closes, zone)


def _ratio(a: float, b: float, digits: int = 3) -> float | None:
    return round(a / b, digits) if b else None
