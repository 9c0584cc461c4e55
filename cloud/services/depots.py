"""Depots, vehicle types and each depot's fleet.

A STAND-IN, written on the admin's branch against the names the API's helper (H2) writes:
the lead keeps H2's module (audited, with updates and lockers' routing) in its place."""

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import Depot, DepotCreate, FleetUpdate, Vehicle, VehicleType, VehicleTypeCreate
from cloud.services.errors import Conflict, Invalid, NotFound


def create_depot(session: Session, data: DepotCreate, now: datetime, *, actor: str) -> Depot:
    if session.get(Depot, data.id) is not None:
        raise Conflict("depot_exists", f"depot {data.id} already exists")
    if data.closes <= data.opens:
        raise Invalid("depot_hours", "the depot must close after it opens (same day)")
    depot = Depot(**data.model_dump(), created_at=now)
    session.add(depot)
    session.flush()
    return depot


def list_depots(session: Session) -> list[Depot]:
    return list(session.exec(select(Depot).order_by(col(Depot.id))).all())


def get_depot(session: Session, depot_id: str) -> Depot:
    depot = session.get(Depot, depot_id)
    if depot is None:
        raise NotFound("depot", depot_id)
    return depot


def create_vehicle_type(
    session: Session, data: VehicleTypeCreate, now: datetime, *, actor: str
) -> VehicleType:
    if session.get(VehicleType, data.id) is not None:
        raise Conflict("vehicle_type_exists", f"vehicle type {data.id} already exists")
    vehicle_type = VehicleType(**data.model_dump())
    session.add(vehicle_type)
    session.flush()
    return vehicle_type


def list_vehicle_types(session: Session) -> list[VehicleType]:
    return list(session.exec(select(VehicleType).order_by(col(VehicleType.id))).all())


def set_fleet(
    session: Session, depot_id: str, data: FleetUpdate, now: datetime, *, actor: str
) -> None:
    """Put that many vehicles of each type named in service at the depot (more are added,
    the surplus taken out of service: vehicles on past plans are never deleted)."""
    get_depot(session, depot_id)
    for type_id, wanted in data.vehicles.items():
        if session.get(VehicleType, type_id) is None:
            raise Invalid("unknown_vehicle_type", f"no vehicle type {type_id}")
        mine = [v for v in vehicles_of(session, depot_id) if v.vehicle_type_id == type_id]
        for number, vehicle in enumerate(mine, 1):
            vehicle.in_service = number <= wanted
            session.add(vehicle)
        for number in range(len(mine) + 1, wanted + 1):
            session.add(
                Vehicle(
                    id=f"{depot_id}-{type_id}-{number}",
                    depot_id=depot_id,
                    vehicle_type_id=type_id,
                )
            )
    session.flush()


def vehicles_of(session: Session, depot_id: str) -> list[Vehicle]:
    return list(
        session.exec(
            select(Vehicle).where(Vehicle.depot_id == depot_id).order_by(col(Vehicle.id))
        ).all()
    )


def fleet_counts(session: Session, depot_id: str) -> dict[str, int]:
    """Vehicles in service at the depot, by type id."""
    return dict(Counter(v.vehicle_type_id for v in vehicles_of(session, depot_id) if v.in_service))
