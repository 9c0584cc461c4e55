"""Setting up route planning: depots, vehicle types, each depot's fleet, and which depot serves
a locker, where the locker is and when it can be reached. Every change is audited; the caller
commits."""

from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import (
    Depot,
    DepotCreate,
    DepotUpdate,
    FleetUpdate,
    Locker,
    LockerRoutingUpdate,
    Vehicle,
    VehicleType,
    VehicleTypeCreate,
)
from cloud.models.base import CODE_LENGTH
from cloud.services import audit
from cloud.services.errors import Conflict, Invalid, NotFound

VEHICLE_ID_LENGTH = CODE_LENGTH + 8  # Vehicle.id's column
ROUTING_FIELDS = ("depot_id", "latitude", "longitude", "access_hours")  # LockerRoutingUpdate's


def create_depot(session: Session, data: DepotCreate, now: datetime, *, actor: str) -> Depot:
    """A new depot; Conflict if the id is taken."""
    if session.get(Depot, data.id) is not None:
        raise Conflict("duplicate_depot", f"depot {data.id} already exists")
    _check_opening(data.opens, data.closes)
    depot = Depot(**data.model_dump(), created_at=now)
    session.add(depot)
    session.flush()
    audit.record(session, actor, "depot_created", depot.id, now, **data.model_dump())
    return depot


def list_depots(session: Session) -> list[Depot]:
    """Every depot, by id."""
    return list(session.exec(select(Depot).order_by(col(Depot.id))).all())


def get_depot(session: Session, depot_id: str, *, for_update: bool = False) -> Depot:
    """The depot with this id; NotFound otherwise. `for_update` locks it (PostgreSQL)."""
    depot = session.get(Depot, depot_id, with_for_update=for_update)
    if depot is None:
        raise NotFound("depot", depot_id)
    return depot


def update_depot(
    session: Session, depot_id: str, data: DepotUpdate, now: datetime, *, actor: str
) -> Depot:
    """Change the fields sent (a PATCH); a null for any of them is refused."""
    depot = get_depot(session, depot_id)
    changes = data.model_dump(exclude_unset=True)
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls:
        raise Invalid("null_field", f"{', '.join(nulls)} cannot be null: leave it out to keep it")
    _check_opening(changes.get("opens", depot.opens), changes.get("closes", depot.closes))
    for name, value in changes.items():
        setattr(depot, name, value)
    session.add(depot)
    session.flush()
    audit.record(session, actor, "depot_updated", depot.id, now, **changes)
    return depot


def create_vehicle_type(
    session: Session, data: VehicleTypeCreate, now: datetime, *, actor: str
) -> VehicleType:
    """A new kind of vehicle (diesel van, electric van, cargo bike); Conflict if the id is taken."""
    if session.get(VehicleType, data.id) is not None:
        raise Conflict("duplicate_vehicle_type", f"vehicle type {data.id} already exists")
    vehicle_type = VehicleType(**data.model_dump())
    session.add(vehicle_type)
    session.flush()
    audit.record(session, actor, "vehicle_type_created", vehicle_type.id, now, **data.model_dump())
    return vehicle_type


def list_vehicle_types(session: Session) -> list[VehicleType]:
    """Every vehicle type, by id."""
    return list(session.exec(select(VehicleType).order_by(col(VehicleType.id))).all())


def set_fleet(
    session: Session, depot_id: str, data: FleetUpdate, now: datetime, *, actor: str
) -> list[Vehicle]:
    """Make the depot have exactly the vehicles in service that `data` counts per type (a type
    left out: none). Vehicles beyond the count are taken out of service, never deleted: plans
    refer to them. Returns the depot's vehicles."""
    # Locked: two fleet changes at once would both number the same new vehicle.
    depot = get_depot(session, depot_id, for_update=True)
    _check_types(session, depot.id, data.vehicles)
    by_type = _vehicles_by_type(session, depot.id)
    for type_id in sorted(set(by_type) | set(data.vehicles)):
        _set_count(
            session, depot.id, type_id, by_type.get(type_id, []), data.vehicles.get(type_id, 0)
        )
    session.flush()
    audit.record(session, actor, "fleet_set", depot.id, now, vehicles=data.vehicles)
    return vehicles_of(session, depot.id)


def vehicles_of(session: Session, depot_id: str, *, in_service_only: bool = False) -> list[Vehicle]:
    """The depot's vehicles by type, then number (van-2 before van-10)."""
    query = select(Vehicle).where(Vehicle.depot_id == depot_id)
    if in_service_only:
        query = query.where(col(Vehicle.in_service))
    return sorted(session.exec(query).all(), key=lambda v: (v.vehicle_type_id, _number(v)))


def fleet_counts(session: Session, depot_id: str) -> dict[str, int]:
    """Vehicle type id -> how many of the depot's vehicles of that type are in service."""
    counts: dict[str, int] = defaultdict(int)
    for vehicle in vehicles_of(session, depot_id, in_service_only=True):
        counts[vehicle.vehicle_type_id] += 1
    return dict(counts)


def set_locker_routing(
    session: Session, locker_id: str, data: LockerRoutingUpdate, now: datetime, *, actor: str
) -> Locker:
    """Change the fields sent of the locker's depot, coordinates and access hours (a PATCH).
    Coordinates come both or neither; a locker served by a depot must have them."""
    locker = session.get(Locker, locker_id)
    if locker is None:
        raise NotFound("locker", locker_id)
    changes = data.model_dump(exclude_unset=True)
    if ("latitude" in changes) != ("longitude" in changes):
        raise Invalid("half_coordinates", "give both latitude and longitude, or neither")
    wanted = {name: changes.get(name, getattr(locker, name)) for name in ROUTING_FIELDS}
    check_locker_routing(session, locker.id, **wanted)
    for name, value in changes.items():
        setattr(locker, name, value)
    session.add(locker)
    session.flush()
    audit.record(session, actor, "locker_routing_set", locker.id, now, **changes)
    return locker


def _check_opening(opens: str, closes: str) -> None:
    if closes <= opens:
        raise Invalid(
            "bad_opening_hours", f"the depot must close after it opens ({opens}-{closes})"
        )


def _check_types(session: Session, depot_id: str, counts: dict[str, int]) -> None:
    unknown = sorted(t for t in counts if session.get(VehicleType, t) is None)
    if unknown:
        raise Invalid("unknown_vehicle_type", f"unknown vehicle type {', '.join(unknown)}")
    for type_id, count in counts.items():
        if count and len(vehicle_id(depot_id, type_id, count)) > VEHICLE_ID_LENGTH:
            raise Invalid(
                "vehicle_id_too_long",
                f"vehicle ids {depot_id}-{type_id}-<n> would be longer than "
                f"{VEHICLE_ID_LENGTH} characters: use a shorter depot or vehicle type id",
            )


def _set_count(
    session: Session, depot_id: str, type_id: str, vehicles: list[Vehicle], wanted: int
) -> None:
    # Vehicles in service stay so first (lowest numbers first), then retired ones come back,
    # and only then are new ones numbered after the highest.
    ordered = sorted(vehicles, key=lambda v: (not v.in_service, _number(v)))
    for index, vehicle in enumerate(ordered):
        if vehicle.in_service != (index < wanted):
            vehicle.in_service = index < wanted
            session.add(vehicle)
    highest = max((_number(v) for v in vehicles), default=0)
    for n in range(highest + 1, highest + 1 + wanted - len(vehicles)):
        session.add(
            Vehicle(id=vehicle_id(depot_id, type_id, n), depot_id=depot_id, vehicle_type_id=type_id)
        )


def vehicle_id(depot_id: str, type_id: str, number: int) -> str:
    """A vehicle's id: "<depot>-<type>-<n>"."""
    return f"{depot_id}-{type_id}-{number}"


def _vehicles_by_type(session: Session, depot_id: str) -> dict[str, list[Vehicle]]:
    found: dict[str, list[Vehicle]] = defaultdict(list)
    for vehicle in vehicles_of(session, depot_id):
        found[vehicle.vehicle_type_id].append(vehicle)
    return found


def _number(vehicle: Vehicle) -> int:
    tail = vehicle.id.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def check_locker_routing(
    session: Session,
    locker_id: str,
    *,
    depot_id: str | None,
    latitude: float | None,
    longitude: float | None,
    access_hours: str,
) -> None:
    """Refuse what no van could route: half a position, access hours ending before they
    start, an unknown depot, or a depot for a locker that is on no map."""
    if (latitude is None) != (longitude is None):
        raise Invalid("half_coordinates", "give both latitude and longitude, or neither")
    _check_access_hours(access_hours)
    if depot_id is None:
        return
    if session.get(Depot, depot_id) is None:
        raise Invalid("unknown_depot", f"depot {depot_id} does not exist")
    if latitude is None:
        raise Invalid(
            "locker_without_coordinates",
            f"locker {locker_id} has no coordinates: give latitude and longitude "
            f"for depot {depot_id} to route vans to it",
        )


def require_vehicles(session: Session, depot_id: str) -> Depot:
    """The depot, if it has a vehicle in service to plan with; Invalid otherwise."""
    depot = get_depot(session, depot_id)
    if not fleet_counts(session, depot.id):
        raise Invalid(
            "depot_without_vehicles",
            f"depot {depot.id} has no vehicle in service: "
            f"set its fleet first (PUT /api/v1/depots/{depot.id}/fleet)",
        )
    return depot


def _check_access_hours(hours: str) -> None:
    if hours != "24/7":  # the pattern (LockerRoutingUpdate) saw to "HH:MM-HH:MM"
        opens, closes = hours.split("-")
        if closes <= opens:
            raise Invalid(
                "bad_access_hours", f"access hours {hours} must end after they start (same day)"
            )
