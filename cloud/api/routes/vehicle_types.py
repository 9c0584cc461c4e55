"""Vehicle types: the kinds of vehicle depots have (diesel van, electric van, cargo bike)."""

from fastapi import APIRouter

from cloud.api.deps import FleetViewer, FleetWriter
from cloud.models import VehicleType, VehicleTypeCreate, VehicleTypePublic
from cloud.services import depots
from cloud.web.deps import NowDep, SessionDep

router = APIRouter(prefix="/vehicle-types", tags=["vehicle types"])


@router.post("", status_code=201, response_model=VehicleTypePublic)
def create_vehicle_type(
    data: VehicleTypeCreate, operator: FleetWriter, session: SessionDep, now: NowDep
) -> VehicleType:
    """Set up a vehicle type: capacity, shift, costs, CO2, range."""
    vehicle_type = depots.create_vehicle_type(session, data, now, actor=operator.actor)
    session.commit()
    session.refresh(vehicle_type)
    return vehicle_type


@router.get("", response_model=list[VehicleTypePublic])
def list_vehicle_types(_viewer: FleetViewer, session: SessionDep) -> list[VehicleType]:
    """Every vehicle type, by id."""
    return depots.list_vehicle_types(session)
