"""Route plans: read one, re-plan what is not yet driven, a route's manifest, its courier."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body

from cloud import planning
from cloud.api.deps import FleetViewer, FleetWriter
from cloud.models.plan_views import Manifest, PlanPublic, ReplanRequest
from cloud.web.deps import NowDep, RowId, SessionDep, SettingsDep

router = APIRouter(prefix="/plans", tags=["plans"])


@router.get("/{plan_id}", response_model=PlanPublic)
def read_plan(plan_id: uuid.UUID, _viewer: FleetViewer, session: SessionDep) -> PlanPublic:
    """One plan: its routes with their stops and parcels, and the parcels left unrouted."""
    return planning.plan_view(session, plan_id)


@router.post("/{plan_id}/replan", status_code=201, response_model=PlanPublic)
def replan(
    plan_id: uuid.UUID,
    data: ReplanRequest,
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> PlanPublic:
    """Re-plan what is not yet driven (broken-down vans, lockers offline, roads blocked, new
    parcels); the new plan replaces this one and its `changes` say what moved."""
    engine = session.get_bind()
    session.commit()  # the planner writes in its own transaction: hold no lock meanwhile
    new_id = planning.replan(
        engine, plan_id, now, actor=operator.actor, request=data, settings=settings
    )
    return planning.plan_view(session, new_id)


@router.get("/{plan_id}/routes/{route_id}/manifest", response_model=Manifest)
def read_manifest(
    plan_id: uuid.UUID, route_id: RowId, _viewer: FleetViewer, session: SessionDep
) -> Manifest:
    """The courier's sheet: stops in order, ETAs, the parcels to drop and collect at each."""
    return planning.manifest(session, plan_id, route_id)


@router.put("/{plan_id}/routes/{route_id}/courier", response_model=Manifest)
def assign_courier(
    plan_id: uuid.UUID,
    route_id: RowId,
    courier_id: Annotated[uuid.UUID, Body(embed=True)],
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Manifest:
    """Give the route to a courier: the route's lockers become the courier's for its day."""
    planning.assign_courier(
        session, plan_id, route_id, courier_id, now, actor=operator.actor, settings=settings
    )
    session.commit()
    return planning.manifest(session, plan_id, route_id)
