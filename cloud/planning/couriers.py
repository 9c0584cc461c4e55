"""Routes given to couriers: their code opens exactly the lockers on their routes of the day.

The courier-routes mechanism (cloud/services/courier_routes.py) is fed by the plans: a courier's
lockers for a day are those of every route of an active plan that day assigned to them."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from cloud.core.config import Settings
from cloud.models import Courier, PlanRoute, PlanStop, RoutePlan
from cloud.services import audit, courier_routes
from cloud.services.errors import Conflict, NotFound


def assign_in_order(
    session: Session,
    plan: RoutePlan,
    couriers: Sequence[uuid.UUID],
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
) -> None:
    """The plan's first route to the first courier, and so on (more couriers than routes: the
    rest get none; fewer: the remaining routes wait for one)."""
    routes = session.exec(
        select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(col(PlanRoute.colour))
    ).all()
    for route, courier_id in zip(routes, couriers):
        assign_courier(session, plan.id, route.id, courier_id, now, actor=actor, settings=settings)


def assign_courier(
    session: Session,
    plan_id: uuid.UUID,
    route_id: int,
    courier_id: uuid.UUID,
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
) -> None:
    """Give the route to the courier; their code now opens exactly their day's route lockers."""
    route = session.get(PlanRoute, route_id)
    plan = session.get(RoutePlan, plan_id)
    if plan is None or route is None or route.plan_id != plan_id:
        raise NotFound("route", f"{plan_id}/{route_id}")
    if plan.state != "active":
        raise Conflict("plan_replaced", f"plan {plan_id} was replaced: assign on the new plan")
    if session.get(Courier, courier_id) is None:
        raise NotFound("courier", courier_id)
    before = route.courier_id
    route.courier_id = courier_id
    session.add(route)
    session.flush()
    day = plan.starts_at.date()
    lockers = lockers_of(session, courier_id, day)  # refused for a revoked courier
    courier_routes.set_route(session, courier_id, day, lockers, now, actor=actor, settings=settings)
    if before is not None and before != courier_id:
        feed_routes(session, [before], day, now, actor=actor, settings=settings)
    audit.record(
        session,
        actor,
        "route_assigned",
        f"courier:{courier_id}",
        now,
        plan=str(plan_id),
        route=route_id,
        vehicle=route.vehicle_id,
    )


def feed_routes(
    session: Session,
    courier_ids,
    day: date,
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
) -> None:
    """Each courier's lockers for the day are those of their routes now. A courier revoked (or
    waiting for a new code) since gets none: no board knows their code anyway."""
    for courier_id in sorted(set(courier_ids), key=str):
        courier = session.get(Courier, courier_id)
        if courier is None or not courier.active or courier.needs_new_code:
            continue
        lockers = lockers_of(session, courier_id, day)
        courier_routes.set_route(
            session, courier_id, day, lockers, now, actor=actor, settings=settings
        )


def lockers_of(session: Session, courier_id: uuid.UUID, day: date) -> list[str]:
    """The lockers on the courier's routes of active plans starting that (UTC) day."""
    start = datetime.combine(day, time(0, 0))
    query = (
        select(PlanStop.locker_id)
        .join(PlanRoute, col(PlanRoute.id) == PlanStop.route_id)
        .join(RoutePlan, col(RoutePlan.id) == PlanRoute.plan_id)
        .where(
            PlanRoute.courier_id == courier_id,
            RoutePlan.state == "active",
            col(RoutePlan.starts_at) >= start,
            col(RoutePlan.starts_at) < start + timedelta(days=1),
        )
        .distinct()
    )
    return sorted(session.exec(query).all())
