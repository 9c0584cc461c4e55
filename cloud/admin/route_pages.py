"""Routes: a depot's plan on the city map with each van's route, stops and unrouted parcels;
"Plan now", "Re-plan" when a van broke down, and each route's manifest to print."""

import uuid
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from cloud import planning
from cloud.admin.auth import AdminFleetViewer, AdminFleetWriter
from cloud.admin.form_errors import explain
from cloud.admin.route_map import route_colours, route_map
from cloud.admin.route_view import depot_day
from cloud.admin.templating import page
from cloud.models import CODE_LENGTH, RoutePlan
from cloud.models.plan_views import ReplanRequest
from cloud.services import couriers, depots
from cloud.services.errors import DomainError, NotFound
from cloud.web.deps import NowDep, RowId, SessionDep, SettingsDep
from cloud.web.errors import status_of

router = APIRouter()
DepotId = Annotated[str, Form(max_length=CODE_LENGTH)]
# The solver's budget from a browser: a few seconds is what a page can wait for.
Seconds = Annotated[float, Form(gt=0, le=60)]


@router.get("/routes")
def routes_page(
    request: Request,
    user: AdminFleetViewer,
    session: SessionDep,
    depot: Annotated[str, Query(max_length=CODE_LENGTH)] = "",
    day: date | None = None,
    plan: uuid.UUID | None = None,
):
    """A depot's plans of a day (or its latest): the map, the routes, what was not routed."""
    return _routes_page(request, user, session, depot, day, plan)


@router.post("/routes/plan")
def plan_now(
    request: Request,
    user: AdminFleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    depot: DepotId,
    seconds: Seconds = 5.0,
):
    """Plan the depot's parcels now; the new plan on the map, or the page saying why not."""
    engine = session.get_bind()
    session.rollback()  # the planner commits on its own: SQLite would make it wait for this one
    try:
        plan_id = planning.plan_depot(
            engine, depot, now, actor=_actor(user), seconds=seconds, settings=settings
        )
    except DomainError as refused:
        return _routes_page(request, user, session, depot, None, None, refused=refused)
    return _to_plan(depot, plan_id)


@router.post("/plans/{plan_id}/replan")
def replan(
    request: Request,
    plan_id: uuid.UUID,
    user: AdminFleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    broken_down: Annotated[list[str], Form()] = [],
    offline: Annotated[list[str], Form()] = [],
    seconds: Seconds = 2.0,
):
    """Plan again from what was done so far, without the vans marked broken down and the
    lockers marked offline."""
    old = session.get(RoutePlan, plan_id)
    if old is None:
        raise NotFound("plan", plan_id)
    depot_id = old.depot_id
    engine = session.get_bind()
    session.rollback()
    try:
        asked = ReplanRequest(broken_down=broken_down, offline=offline, seconds=seconds)
        new_id = planning.replan(
            engine, plan_id, now, actor=_actor(user), request=asked, settings=settings
        )
    except ValidationError as bad:
        return _routes_page(request, user, session, depot_id, None, plan_id, error=explain(bad, {}))
    except DomainError as refused:
        return _routes_page(request, user, session, depot_id, None, plan_id, refused=refused)
    return _to_plan(depot_id, new_id)


@router.post("/plans/{plan_id}/routes/{route_id}/courier")
def assign_courier(
    request: Request,
    plan_id: uuid.UUID,
    route_id: RowId,
    user: AdminFleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    courier: Annotated[uuid.UUID, Form()],
):
    """Give the route to a courier: their code opens exactly their routes' lockers today."""
    plan = session.get(RoutePlan, plan_id)
    if plan is None:
        raise NotFound("plan", plan_id)
    depot_id = plan.depot_id
    try:
        planning.assign_courier(
            session, plan_id, route_id, courier, now, actor=_actor(user), settings=settings
        )
    except DomainError as refused:
        session.rollback()
        return _routes_page(request, user, session, depot_id, None, plan_id, refused=refused)
    session.commit()
    return _to_plan(depot_id, plan_id)


@router.get("/plans/{plan_id}/routes/{route_id}/manifest")
def manifest_page(
    request: Request,
    plan_id: uuid.UUID,
    route_id: RowId,
    user: AdminFleetViewer,
    session: SessionDep,
):
    """One route's sheet for its courier: stops in order, ETAs, parcels to drop and collect."""
    manifest = planning.manifest(session, plan_id, route_id)
    depot = depots.get_depot(session, manifest.depot_id)
    return page(request, user, "manifest.html", manifest=manifest, depot=depot, nav="routes")


def _routes_page(request, user, session, depot_id, day, plan_id, *, refused=None, error=""):
    status_code = status_of(refused) if refused else (422 if error else 200)
    error = refused.message if refused else error
    every_depot = depots.list_depots(session)
    depot = next((d for d in every_depot if d.id == depot_id), None)
    if depot is None and depot_id:
        status_code, error = 404, error or f"There is no depot {depot_id}."
    depot = depot or (every_depot[0] if every_depot and not depot_id else None)
    view = depot_day(session, depot, day, plan_id) if depot else None
    plan = view.plan if view else None
    return page(
        request,
        user,
        "routes.html",
        status_code,
        depots=every_depot,
        depot=depot,
        view=view,
        plan=plan,
        route_map=route_map(plan, depot, view.lockers) if view else None,
        colours=route_colours(plan.routes) if plan else {},
        couriers=[c for c in couriers.list_couriers(session) if c.active],
        error=error,
        nav="routes",
    )


def _actor(user) -> str:
    return "operator:" + user.username


def _to_plan(depot_id: str, plan_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"/admin/routes?depot={quote(depot_id)}&plan={plan_id}", 303)
