"""Deposits and collections reported by boards mark the plan's parcels and stops as done."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import PlanParcel, PlanStop, RoutePlan


def parcel_done(session: Session, parcel_id: uuid.UUID, at: datetime) -> bool:
    """The parcel was deposited (or collected) at `at`: its stop on the active plan is done,
    with the time of its first parcel. False when no active plan routes it."""
    query = (
        select(PlanParcel, PlanStop)
        .join(PlanStop, col(PlanStop.id) == PlanParcel.stop_id)
        .join(RoutePlan, col(RoutePlan.id) == PlanParcel.plan_id)
        .where(
            PlanParcel.parcel_id == parcel_id,
            RoutePlan.state == "active",
            col(PlanParcel.done_at).is_(None),
        )
    )
    found = False
    for row, stop in session.exec(query).all():
        row.done_at = at
        if stop.done_at is None:
            stop.done_at = at
        found = True
    return found
