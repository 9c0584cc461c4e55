"""A dispatch wave, read from the database into plain records the planner works on.

Read in one short transaction and then planned with none open: the solver may take a minute.
A wave holds the depot, its vans in service, the lockers it serves, and the parcels to move:
deliveries pre-advised for those lockers that no active plan of the day carries yet, and the
expired parcels and returns waiting there to be collected."""

import math
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import true
from sqlmodel import Session, col, select

from cloud.models import (
    Compartment,
    Depot,
    Locker,
    Parcel,
    ParcelState,
    PlanParcel,
    RoutePlan,
    Vehicle,
    VehicleType,
)
from cloud.planning import hours
from cloud.routing.travel import metres_between
from cloud.services.errors import NotFound

DELIVER, COLLECT = "deliver", "collect"


@dataclass(frozen=True)
class Van:
    id: str
    type_id: str
    type_name: str
    capacity_parcels: int
    capacity_litres: int
    speed_kmh: float
    shift: tuple[int, int]  # seconds from the plan's start
    cost_per_km: float
    cost_per_hour: float
    co2_g_per_km: float
    range_m: int | None
    service_s: int
    in_service: bool = True


@dataclass(frozen=True)
class Box:
    """A compartment as the capacity check needs it."""

    number: int
    dimensions: tuple[int, int, int]
    accessible: bool
    state: str
    parcel_id: uuid.UUID | None


@dataclass(frozen=True)
class Site:
    """A locker the depot serves."""

    id: str
    name: str
    point: tuple[float, float] | None  # (latitude, longitude); None: not on the map
    access: tuple[int, int]
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class Job:
    """One parcel to move: dropped at its locker, or collected from it."""

    parcel_id: uuid.UUID
    tracking_code: str
    locker_id: str
    action: str
    litres: int
    dimensions: tuple[int, int, int]
    accessible: bool
    reserved: bool  # a compartment is held for it (or it is in one, to collect)
    waves_missed: int


@dataclass
class Wave:
    depot_id: str
    depot_point: tuple[float, float]
    depot_window: tuple[int, int]
    zone: str
    day: date
    starts_at: datetime
    wave: str
    vans: list[Van]
    sites: dict[str, Site]
    jobs: list[Job]
    refused: dict[uuid.UUID, tuple[str, str | None]] = field(default_factory=dict)
    fleet: dict[str, Van] = field(default_factory=dict)  # every vehicle, in service or not
    known: dict[uuid.UUID, Job] = field(init=False)  # every job read, refused ones too

    def __post_init__(self) -> None:
        self.known = {job.parcel_id: job for job in self.jobs}

    def job(self, parcel_id: uuid.UUID) -> Job:
        return self.known[parcel_id]


def read_wave(
    session: Session, depot_id: str, now: datetime, wave: str, *, besides: uuid.UUID | None = None
) -> Wave:
    """Everything the planner needs of a depot's wave starting now (`besides`: a plan being
    re-planned, whose parcels are to plan again)."""
    depot = session.get(Depot, depot_id)
    if depot is None:
        raise NotFound("depot", depot_id)
    day = hours.local_day(now, depot.timezone)
    sites = _sites(session, depot, now, day)
    taken = on_active_plans(session, depot.id, day, besides=besides)
    fleet = _vans(session, depot, now, day)
    return Wave(
        depot_id=depot.id,
        depot_point=(depot.latitude, depot.longitude),
        depot_window=hours.window(now, day, depot.opens, depot.closes, depot.timezone),
        zone=depot.timezone,
        day=day,
        starts_at=now,
        wave=wave,
        vans=[van for van in fleet.values() if van.in_service],
        fleet=fleet,
        sites=sites,
        jobs=_deliveries(session, sites, taken, now) + _collections(session, sites, taken),
    )


def served_lockers(session: Session, depot: Depot) -> list[Locker]:
    """The depot's lockers: those assigned to it, and those with no depot nearest to it."""
    lockers = session.exec(select(Locker).order_by(col(Locker.id))).all()
    depots = session.exec(select(Depot)).all()
    return [locker for locker in lockers if _depot_of(locker, depots) == depot.id]


def _depot_of(locker: Locker, depots) -> str | None:
    if locker.depot_id is not None or locker.latitude is None or not depots:
        return locker.depot_id
    here = (locker.latitude, locker.longitude)
    return min(depots, key=lambda d: metres_between(here, (d.latitude, d.longitude))).id


def _sites(session: Session, depot: Depot, now: datetime, day: date) -> dict[str, Site]:
    lockers = served_lockers(session, depot)
    boxes: dict[str, list[Box]] = {locker.id: [] for locker in lockers}
    query = select(Compartment).where(col(Compartment.locker_id).in_(list(boxes)))
    for c in session.exec(query.order_by(col(Compartment.id))).all():  # one read, not one a locker
        dimensions = (c.width_mm, c.height_mm, c.depth_mm)
        boxes[c.locker_id].append(Box(c.number, dimensions, c.accessible, c.state, c.parcel_id))
    return {
        locker.id: Site(
            id=locker.id,
            name=locker.name,
            point=None if locker.latitude is None else (locker.latitude, locker.longitude),
            access=hours.access_window(now, day, locker.access_hours, depot.timezone),
            boxes=tuple(boxes[locker.id]),
        )
        for locker in lockers
    }


def _vans(session: Session, depot: Depot, now: datetime, day: date) -> dict[str, Van]:
    """Every vehicle of the depot, in service or not (a re-plan prices what they drove)."""
    query = (
        select(Vehicle, VehicleType)
        .join(VehicleType, col(VehicleType.id) == Vehicle.vehicle_type_id)
        .where(Vehicle.depot_id == depot.id)
        .order_by(col(Vehicle.id))
    )
    return {
        vehicle.id: van_of(vehicle, kind, now, day, depot.timezone)
        for vehicle, kind in session.exec(query)
    }


def van_of(vehicle: Vehicle, kind: VehicleType, now: datetime, day: date, zone: str) -> Van:
    return Van(
        id=vehicle.id,
        type_id=kind.id,
        type_name=kind.name,
        capacity_parcels=kind.capacity_parcels,
        capacity_litres=kind.capacity_litres,
        speed_kmh=kind.speed_kmh,
        shift=hours.window(now, day, kind.shift_start, kind.shift_end, zone),
        cost_per_km=kind.cost_per_km,
        cost_per_hour=kind.cost_per_hour,
        co2_g_per_km=kind.co2_g_per_km,
        range_m=None if kind.range_km is None else int(kind.range_km * 1000),
        service_s=int(kind.service_minutes * 60),
        in_service=vehicle.in_service,
    )


def on_active_plans(
    session: Session, depot_id: str, day: date, *, besides: uuid.UUID | None = None
) -> set[uuid.UUID]:
    """Parcels an active plan of the day already puts on a van (not left unrouted)."""
    query = (
        select(PlanParcel.parcel_id)
        .join(RoutePlan, col(RoutePlan.id) == PlanParcel.plan_id)
        .where(
            RoutePlan.depot_id == depot_id,
            RoutePlan.day == day,
            RoutePlan.state == "active",
            col(PlanParcel.stop_id).is_not(None),
            col(RoutePlan.id) != besides if besides else true(),
        )
    )
    return set(session.exec(query).all())


def _deliveries(
    session: Session, sites: dict[str, Site], taken: set[uuid.UUID], now: datetime
) -> list[Job]:
    if not sites:
        return []
    query = (
        select(Parcel)
        .where(
            col(Parcel.locker_id).in_(list(sites)),
            col(Parcel.state).in_([ParcelState.ANNOUNCED, ParcelState.RESERVED]),
            Parcel.kind == "delivery",
            # not while its recipient holds it (cloud/services/recipient_hold.py)
            col(Parcel.hold_until).is_(None) | (col(Parcel.hold_until) <= now),
        )
        .order_by(col(Parcel.created_at), col(Parcel.id))
    )
    parcels = session.exec(query).all()
    return [_job(p, DELIVER, p.compartment_id is not None) for p in parcels if p.id not in taken]


def _collections(session: Session, sites: dict[str, Site], taken: set[uuid.UUID]) -> list[Job]:
    if not sites:
        return []
    query = (
        select(Parcel)
        .where(
            col(Parcel.locker_id).in_(list(sites)),
            col(Parcel.collect_scheduled_at).is_not(None),
            col(Parcel.returned_at).is_(None),
            col(Parcel.compartment_id).is_not(None),
        )
        .order_by(col(Parcel.collect_scheduled_at), col(Parcel.id))
    )
    parcels = session.exec(query).all()
    return [_job(p, COLLECT, True) for p in parcels if p.id not in taken]


def _job(parcel: Parcel, action: str, reserved: bool) -> Job:
    dimensions = (parcel.width_mm, parcel.height_mm, parcel.depth_mm)
    return Job(
        parcel_id=parcel.id,
        tracking_code=parcel.tracking_code,
        locker_id=parcel.locker_id,
        action=action,
        litres=litres_of(parcel),
        dimensions=dimensions,
        accessible=parcel.accessible,
        reserved=reserved,
        waves_missed=parcel.waves_missed,
    )


def litres_of(parcel: Parcel) -> int:
    """The parcel's volume in whole litres, at least one."""
    return max(1, math.ceil(parcel.width_mm * parcel.height_mm * parcel.depth_mm / 1e6))
