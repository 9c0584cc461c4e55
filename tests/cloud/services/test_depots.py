"""The set-up services on their own: fleets keep the vehicles plans refer to."""

import pytest
from sqlmodel import select

from cloud.models import (
    DepotCreate,
    FleetUpdate,
    PlanRoute,
    RoutePlan,
    Vehicle,
    VehicleTypeCreate,
)
from cloud.services import depots
from cloud.services.errors import Invalid


@pytest.fixture
def depot(session, now):
    depots.create_depot(
        session, DepotCreate(id="D1", name="D1", latitude=52.2, longitude=21.0), now, actor="t"
    )
    kind = VehicleTypeCreate(
        id="van", name="van", capacity_parcels=100, capacity_litres=5000, speed_kmh=25
    )
    depots.create_vehicle_type(session, kind, now, actor="t")
    return "D1"


def test_a_vehicle_a_plan_refers_to_is_retired_not_deleted(session, now, depot):
    depots.set_fleet(session, depot, FleetUpdate(vehicles={"van": 2}), now, actor="t")
    plan = RoutePlan(
        depot_id=depot, day=now.date(), wave="on demand", created_by="t", starts_at=now
    )
    session.add(plan)
    session.flush()
    session.add(PlanRoute(plan_id=plan.id, vehicle_id="D1-van-2", departs_at=now, returns_at=now))
    session.flush()
    depots.set_fleet(session, depot, FleetUpdate(vehicles={}), now, actor="t")
    session.commit()
    vehicles = session.exec(select(Vehicle).order_by(Vehicle.id)).all()
    assert [(v.id, v.in_service) for v in vehicles] == [("D1-van-1", False), ("D1-van-2", False)]
    with pytest.raises(Invalid, match="depot D1 has no vehicle in service"):
        depots.require_vehicles(session, depot)


def test_vehicles_are_ordered_by_type_then_number(session, now, depot):
    depots.set_fleet(session, depot, FleetUpdate(vehicles={"van": 12}), now, actor="t")
    ids = [v.id for v in depots.vehicles_of(session, depot)]
    assert ids[:3] == ["D1-van-1", "D1-van-2", "D1-van-3"] and ids[-1] == "D1-van-12"
    assert depots.fleet_counts(session, depot) == {"van": 12}
