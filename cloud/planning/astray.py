"""Parcels an active plan still carries to a stop they no longer go to.

A parcel is astray when the plan has yet to deliver it (its stop not driven) and since the plan
was made it was redirected to another locker (full at the courier's deposit, or by its
recipient: its locker is not the stop's any more) or held by its recipient past now. Derived
from the database, not stored: a re-plan that routes the parcel anew leaves nothing astray,
so the need to re-plan ends with the re-plan itself (cloud/planning/follow.py)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import Parcel, PlanParcel, PlanStop, RoutePlan
from cloud.planning.underway import underway
from cloud.planning.wave import DELIVER


@dataclass(frozen=True)
class Astray:
    tracking_code: str
    planned_locker: str  # the stop the plan takes it to
    locker_id: str  # where it goes now
    held_until: datetime | None  # its recipient holds it until then: off the route

    @property
    def message(self) -> str:
        if self.held_until is not None:
            until = self.held_until.date().isoformat()
            return f"parcel {self.tracking_code} is held until {until}: re-plan needed"
        return f"parcel {self.tracking_code} now goes to {self.locker_id}: re-plan needed"


def astray(session: Session, plan: RoutePlan, now: datetime) -> list[Astray]:
    """The plan's parcels that are astray at `now`, by tracking code (none once replaced)."""
    if plan.state != "active":
        return []
    moved = col(Parcel.locker_id) != col(PlanParcel.locker_id)
    held = col(Parcel.hold_until).is_not(None) & (col(Parcel.hold_until) > now)
    query = (
        select(PlanParcel, Parcel)
        .join(Parcel, col(Parcel.id) == PlanParcel.parcel_id)
        .join(PlanStop, col(PlanStop.id) == PlanParcel.stop_id)
        .where(
            PlanParcel.plan_id == plan.id,
            PlanParcel.action == DELIVER,
            col(PlanParcel.done_at).is_(None),
            moved | held,
        )
        .order_by(col(Parcel.tracking_code))
    )
    rows = session.exec(query).all()
    if not rows:
        return []  # the common case: no need to work out where the vans are
    driven = {
        row.parcel_id
        for state in underway(session, plan, now)
        for s in state.driven
        for row in s.parcels
    }
    return [
        Astray(parcel.tracking_code, row.locker_id, parcel.locker_id, _held(parcel, now))
        for row, parcel in rows
        if row.parcel_id not in driven
    ]


def _held(parcel: Parcel, now: datetime) -> datetime | None:
    return parcel.hold_until if parcel.hold_until and parcel.hold_until > now else None
