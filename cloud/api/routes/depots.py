"""Depots: set them up, give them a fleet, and plan their waves into routes."""

from datetime import date

from fastapi import APIRouter
from sqlmodel import Session

from cloud import planning
from cloud.api.deps import FleetViewer, FleetWriter
from cloud.models import (
    Depot,
    DepotCreate,
    DepotPublic,
    DepotUpdate,
    FleetUpdate,
    Vehicle,
    VehiclePublic,
)
from cloud.models.plan_views import PlanPublic, PlanRequest
from cloud.services import courier_routes, depots
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(prefix="/depots", tags=["depots"])


@router.post("", status_code=201, response_model=DepotPublic)
def create_depot(
    data: DepotCreate, operator: FleetWriter, session: SessionDep, now: NowDep
) -> DepotPublic:
    """Set up a depot: where it is, its time zone, opening hours and dispatch cut-offs."""
    depot = depots.create_depot(session, data, now, actor=operator.actor)
    session.commit()
    return _public(session, depot)


@router.get("", response_model=list[DepotPublic])
def list_depots(_viewer: FleetViewer, session: SessionDep) -> list[DepotPublic]:
    """Every depot with how many vehicles of each type it has in service."""
    return [_public(session, depot) for depot in depots.list_depots(session)]


@router.get("/{depot_id}", response_model=DepotPublic)
def read_depot(depot_id: str, _viewer: FleetViewer, session: SessionDep) -> DepotPublic:
    """One depot with its vehicles in service per type."""
    return _public(session, depots.get_depot(session, depot_id))


@router.patch("/{depot_id}", response_model=DepotPublic)
def update_depot(
    depot_id: str, data: DepotUpdate, operator: FleetWriter, session: SessionDep, now: NowDep
) -> DepotPublic:
    """Change the depot's fields sent; the others stay."""
    depot = depots.update_depot(session, depot_id, data, now, actor=operator.actor)
    session.commit()
    return _public(session, depot)


@router.put("/{depot_id}/fleet", response_model=list[VehiclePublic])
def set_fleet(
    depot_id: str, data: FleetUpdate, operator: FleetWriter, session: SessionDep, now: NowDep
) -> list[Vehicle]:
    """Make the depot's vehicles in service exactly these counts per type (others: none)."""
    vehicles = depots.set_fleet(session, depot_id, data, now, actor=operator.actor)
    session.commit()
    return vehicles


@router.get("/{depot_id}/vehicles", response_model=list[VehiclePublic])
def list_vehicles(depot_id: str, _viewer: FleetViewer, session: SessionDep) -> list[Vehicle]:
    """The depot's vehicles, those out of service too."""
    depots.get_depot(session, depot_id)  # 404 for an unknown one
    return depots.vehicles_of(session, depot_id)


@router.post("/{depot_id}/plans", status_code=201, response_model=PlanPublic)
def plan_depot(
    depot_id: str,
    data: PlanRequest,
    operator: FleetWriter,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> PlanPublic:
    """Plan the depot's wave now: its parcels into routes, one per vehicle in service."""
    depots.require_vehicles(session, depot_id)  # 404 or 422 before any solving
    for courier_id in data.couriers:
        courier_routes.get_courier(session, courier_id)
    engine = session.get_bind()
    session.commit()  # the planner writes in its own transaction: hold no lock meanwhile
    plan_id = planning.plan_depot(
        engine,
        depot_id,
        now,
        actor=operator.actor,
        seconds=data.seconds,
        couriers=tuple(data.couriers),
        settings=settings,
    )
    return planning.plan_view(session, plan_id)


@router.get("/{depot_id}/plans", response_model=list[PlanPublic])
def list_plans(
    depot_id: str, _viewer: FleetViewer, session: SessionDep, day: date | None = None
) -> list[PlanPublic]:
    """The depot's plans (of `day`, the depot's local day, if given), without their stops."""
    depots.get_depot(session, depot_id)
    return planning.plans_of(session, depot_id, day=day)


def _public(session: Session, depot: Depot) -> DepotPublic:
    public = DepotPublic.model_validate(depot, from_attributes=True)
    return public.model_copy(update={"vehicles": depots.fleet_counts(session, depot.id)})
