"""What lockers saved over a window: the plans' routes against the same parcels delivered to
each recipient's door (the planner prices that alternative with every plan it makes:
RoutePlan.doorstep_km, doorstep_co2_g, doorstep_failed_attempts, cloud/planning/doorstep.py)."""

from datetime import datetime

from sqlmodel import Session, func, select

from cloud.models import RoutePlan
from cloud.models.plan_views import DoorstepComparison


def doorstep_savings(
    session: Session, since: datetime, until: datetime, depot_id: str | None = None
) -> DoorstepComparison | None:
    """Summed over the plans in force (not the replaced ones) starting in [since, until), as
    cloud/planning/kpis.py counts them; None when none delivered anything."""
    query = select(
        func.sum(RoutePlan.km),
        func.sum(RoutePlan.co2_g),
        func.sum(RoutePlan.parcels),
        func.sum(RoutePlan.doorstep_km),
        func.sum(RoutePlan.doorstep_co2_g),
        func.sum(RoutePlan.doorstep_failed_attempts),
    ).where(RoutePlan.state == "active", RoutePlan.starts_at >= since, RoutePlan.starts_at < until)
    if depot_id is not None:
        query = query.where(RoutePlan.depot_id == depot_id)
    km, co2_g, parcels, door_km, door_co2_g, door_failed = session.exec(query).one()
    if not parcels:
        return None
    return DoorstepComparison(
        failure_rate=door_failed / parcels,
        km=door_km,
        co2_g=door_co2_g,
        failed_attempts=door_failed,
        km_saved=door_km - km,
        co2_saved_g=door_co2_g - co2_g,
        # A locker takes every parcel at the first visit: each doorstep failure is avoided.
        failed_attempts_avoided=door_failed,
    )
