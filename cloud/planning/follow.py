"""Plans follow their parcels: the maintenance loop re-plans an active plan that carries a
parcel astray (redirected to another locker, or held: cloud/planning/astray.py).

Debounced: a plan made (or re-planned) less than Settings.plan_follow_minutes ago waits, so a
burst of redirects is one re-plan and a plan is not re-planned more often than that; a plan
this process is re-planning now is left alone. Every automatic re-plan is audited
(`route_plan_follows`, naming the parcels, then the re-plan's own `route_plan_replanned`).
The re-plan is the operators' own (cloud/planning/replan.py): the van carries a redirected
parcel on to its new locker, a held one back to the depot, and the couriers' codes follow."""

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from cloud.core.config import Settings
from cloud.db import transaction
from cloud.models import RoutePlan
from cloud.models.plan_views import ReplanRequest
from cloud.planning.astray import astray
from cloud.planning.replan import is_replanning, replan
from cloud.services import audit
from cloud.services.errors import DomainError

log = logging.getLogger(__name__)

ACTOR = "system:plan-follow"
LOOK_BACK = timedelta(days=1)  # plans that started before are driven by now


def follow_parcels(engine: Engine, now: datetime, settings: Settings) -> int:
    """Re-plan every active plan due to follow its parcels; how many were re-planned. The
    maintenance loop's job (it solves between two transactions)."""
    with transaction(engine, now=now) as session:
        due = plans_to_follow(session, now, settings)
    request = ReplanRequest(seconds=settings.plan_follow_seconds)
    replanned = 0
    for plan_id in due:
        try:
            replan(engine, plan_id, now, actor=ACTOR, request=request, settings=settings)
            replanned += 1
        except DomainError as refusal:  # replaced or being re-planned meanwhile: nothing to do
            log.warning("plan %s not re-planned: %s", plan_id, refusal.message)
    return replanned


def plans_to_follow(session: Session, now: datetime, settings: Settings) -> list[uuid.UUID]:
    """The active plans carrying parcels astray and quiet long enough; each is audited."""
    quiet = now - timedelta(minutes=settings.plan_follow_minutes)
    plans = session.exec(
        select(RoutePlan)
        .where(RoutePlan.state == "active", col(RoutePlan.starts_at) >= now - LOOK_BACK)
        .order_by(col(RoutePlan.created_at))
    ).all()
    due = []
    for plan in plans:
        if plan.created_at > quiet or is_replanning(plan.id):
            continue
        parcels = astray(session, plan, now)
        if parcels:
            audit.record(
                session,
                ACTOR,
                "route_plan_follows",
                f"depot:{plan.depot_id}",
                now,
                plan=str(plan.id),
                parcels=[p.message for p in parcels],
            )
            due.append(plan.id)
    return due
