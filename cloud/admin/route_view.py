"""What the Routes page shows of a depot on a day: its plans, the one on the map, its lockers."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from cloud import planning
from cloud.admin.depot_view import depot_lockers
from cloud.models import Depot, Locker
from cloud.models.plan_views import PlanPublic


@dataclass
class DepotDay:
    depot: Depot
    day: date | None  # None: every day, and the latest plan shown
    plans: list[PlanPublic]  # newest first, without their stops
    plan: PlanPublic | None  # the one drawn: asked for, else the newest active one
    lockers: list[Locker]  # the depot's


def depot_day(
    session: Session, depot: Depot, day: date | None, plan_id: uuid.UUID | None
) -> DepotDay:
    plans = sorted(
        planning.plans_of(session, depot.id, day), key=lambda p: p.created_at, reverse=True
    )
    chosen = next((p for p in plans if p.id == plan_id), None) if plan_id else None
    chosen = chosen or next((p for p in plans if p.state == "active"), None)
    shown = planning.plan_view(session, chosen.id) if chosen else None
    return DepotDay(depot, day, plans, shown, depot_lockers(session, depot.id))
