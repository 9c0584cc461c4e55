"""Plans as the planner hands them to the admin (cloud/models/plan_views.py), built by hand:
a depot in the middle of a small town and lockers around it."""

import uuid
from datetime import date, datetime, timedelta

from cloud.models import Depot, Locker
from cloud.models.plan_views import ParcelOnPlan, PlanPublic, RoutePublic, StopPublic

START = datetime(2030, 1, 1, 6, 0)
TOWN = {  # locker id -> (latitude, longitude)
    "N1": (52.53, 13.40),
    "E1": (52.52, 13.43),
    "S1": (52.50, 13.40),
    "W1": (52.52, 13.37),
}


def depot(timezone="UTC") -> Depot:
    return Depot(id="D1", name="Main depot", latitude=52.52, longitude=13.40, timezone=timezone)


def lockers(*extra: Locker) -> list[Locker]:
    made = [
        Locker(id=key, name="Locker " + key, device_key="00", latitude=lat, longitude=lon)
        for key, (lat, lon) in TOWN.items()
    ]
    return made + list(extra)


def stop(seq, locker_id, *, minutes=10, deliveries=2, pickups=0, load_after=0, parcels=()):
    latitude, longitude = TOWN.get(locker_id, (None, None))
    return StopPublic(
        id=seq * 100 + len(locker_id),
        seq=seq,
        locker_id=locker_id,
        locker_name="Locker " + locker_id,
        latitude=latitude,
        longitude=longitude,
        eta=START + timedelta(minutes=minutes),
        departs_at=START + timedelta(minutes=minutes + 5),
        km_from_previous=1.5,
        deliveries=deliveries,
        pickups=pickups,
        load_after=load_after,
        litres_after=load_after * 10,
        done_at=None,
        parcels=list(parcels),
    )


def parcel(locker_id, code, action="deliver") -> ParcelOnPlan:
    return ParcelOnPlan(
        parcel_id=uuid.uuid4(),
        tracking_code=code,
        carrier="DHL",
        locker_id=locker_id,
        action=action,
        size="S",
    )


def route(route_id, vehicle_id, stops, colour=0) -> RoutePublic:
    return RoutePublic(
        id=route_id,
        vehicle_id=vehicle_id,
        vehicle_type_id="van",
        vehicle_type="Electric van",
        courier_id=None,
        courier_name=None,
        colour=colour,
        departs_at=START,
        returns_at=START + timedelta(hours=2),
        load_at_start=sum(s.deliveries for s in stops),
        broken_down_at=None,
        km=12.5,
        co2_g=0.0,
        cost=20.0,
        stops=len(stops),
        parcels=sum(s.deliveries for s in stops),
        stops_list=stops,
    )


def plan(*routes, unrouted=()) -> PlanPublic:
    return PlanPublic(
        id=uuid.uuid4(),
        depot_id="D1",
        day=date(2030, 1, 1),
        wave="06:00",
        state="active",
        replaces=None,
        created_at=START - timedelta(minutes=5),
        created_by="operator:olga",
        starts_at=START,
        solver_seconds=1.0,
        feasible=True,
        routes=list(routes),
        unrouted=list(unrouted),
    )
