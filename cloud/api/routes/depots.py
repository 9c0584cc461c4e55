"""Depots: set them up and give them a fleet."""

from fastapi import APIRouter
from sqlmodel import Session

from cloud.api.deps import CurrentOperator, OperatorWriter
from cloud.models import (
    Depot,
    DepotCreate,
    DepotPublic,
    DepotUpdate,
    FleetUpdate,
    Vehicle,
    VehiclePublic,
)
from cloud.services import depots
from cloud.web.deps import NowDep, SessionDep

router = APIRouter(prefix="/depots", tags=["depots"])


@router.post("", status_code=201, response_model=DepotPublic)
def create_depot(
    data: DepotCreate, operator: OperatorWriter, session: SessionDep, now: NowDep
) -> DepotPublic:
    """Set up a depot: where it is, its time zone, opening hours and dispatch cut-offs."""
    depot = depots.create_depot(session, data, now, actor=operator.actor)
    session.commit()
    return _public(session, depot)


@router.get("", response_model=list[DepotPublic])
def list_depots(_viewer: CurrentOperator, session: SessionDep) -> list[DepotPublic]:
    """Every depot with how many vehicles of each type it has in service."""
    return [_public(session, depot) for depot in depots.list_depots(session)]


@router.get("/{depot_id}", response_model=DepotPublic)
def read_depot(depot_id: str, _viewer: CurrentOperator, session: SessionDep) -> DepotPublic:
    """One depot with its vehicles in service per type."""
    return _public(session, depots.get_depot(session, depot_id))


@router.patch("/{depot_id}", response_model=DepotPublic)
def update_depot(
    depot_id: str, data: DepotUpdate, operator: OperatorWriter, session: SessionDep, now: NowDep
) -> DepotPublic:
    """Change the depot's fields sent; the others stay."""
    depot = depots.update_depot(session, depot_id, data, now, actor=operator.actor)
    session.commit()
    return _public(session, depot)


@router.put("/{depot_id}/fleet", response_model=list[VehiclePublic])
def set_fleet(
    depot_id: str, data: FleetUpdate, operator: OperatorWriter, session: SessionDep, now: NowDep
) -> list[Vehicle]:
    """Make the depot's vehicles in service exactly these counts per type (others: none)."""
    vehicles = depots.set_fleet(session, depot_id, data, now, actor=operator.actor)
    session.commit()
    return vehicles


@router.get("/{depot_id}/vehicles", response_model=list[VehiclePublic])
def list_vehicles(depot_id: str, _viewer: CurrentOperator, session: SessionDep) -> list[Vehicle]:
    """The depot's vehicles, those out of service too."""
    depots.get_depot(session, depot_id)  # 404 for an unknown one
    return depots.vehicles_of(session, depot_id)


def _public(session: Session, depot: Depot) -> DepotPublic:
    public = DepotPublic.model_validate(depot, from_attributes=True)
    return public.model_copy(update={"vehicles": depots.fleet_counts(session, depot.id)})
