"""A depot with two vans and four lockers around it, parcels pre-advised to each: what the
route planner needs, made through the services (no rows written by hand)."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import (
    DepotCreate,
    FleetUpdate,
    Locker,
    LockerCreate,
    ParcelCreate,
    VehicleTypeCreate,
)
from cloud.services import depots, lockers, parcels
from tests.cloud.admin.plans import TOWN


def set_up_town(session: Session, now: datetime, settings: Settings, *, vans: int = 2) -> None:
    """Depot D1 open all day, `vans` electric vans of 5 parcels each (so that the 8 parcels
    take two), lockers N1, E1, S1, W1 with 2 parcels each."""
    depots.create_depot(
        session,
        DepotCreate(
            id="D1",
            name="Main depot",
            address="Hafenstr. 1",
            latitude=52.52,
            longitude=13.40,
            opens="00:00",
            closes="23:59",
        ),
        now,
        actor="tests",
    )
    van = VehicleTypeCreate(
        id="van",
        name="Electric van",
        capacity_parcels=5,
        capacity_litres=4000,
        speed_kmh=25,
        shift_start="00:00",
        shift_end="23:59",
        cost_per_km=0.3,
        cost_per_hour=20,
        co2_g_per_km=40,
    )
    depots.create_vehicle_type(session, van, now, actor="tests")
    depots.set_fleet(session, "D1", FleetUpdate(vehicles={"van": vans}), now, actor="tests")
    for key, (latitude, longitude) in TOWN.items():
        add_locker(session, key, latitude, longitude, now, settings)
        for n in (1, 2):
            preadvise(session, key, f"{key}P{n}", now, settings)


def add_locker(session, key, latitude, longitude, now, settings) -> None:
    data = LockerCreate(
        id=key,
        name="Locker " + key,
        address="Street " + key,
        latitude=latitude,
        longitude=longitude,
        compartments=[{"number": n, "size": s} for n, s in enumerate("SSMML", 1)],
    )
    lockers.provision_locker(session, data, now, settings=settings)
    session.get(Locker, key).depot_id = "D1"  # what PATCH /lockers/{id}/routing sets
    session.flush()


def preadvise(session, locker_id, code, now, settings) -> None:
    data = ParcelCreate(
        carrier="DHL",
        tracking_code=code,
        locker_id=locker_id,
        width_mm=300,
        height_mm=80,
        depth_mm=400,
        recipient={"name": "Ada Lovelace", "phone": "+441234567890"},
    )
    parcels.preadvise(session, data, now, settings=settings)
