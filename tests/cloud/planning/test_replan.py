"""Re-planning mid-day: the driven part stays, vans start where they are with what they carry."""

from datetime import timedelta

import pytest
from sqlmodel import select

from cloud import planning
from cloud.models import ParcelCreate, Vehicle
from cloud.models.plan_views import ReplanRequest
from cloud.services import courier_routes, parcels
from cloud.services.errors import Conflict
from tests.cloud.planning.conftest import MORNING
from tests.support.couriers import registered


def _first_plan(engine, session, city, settings):
    city(lockers_count=6, per_locker=2, vans=(("e-van", 1),))
    plan_id = planning.plan_depot(engine, "WAW", MORNING, actor="t", seconds=0.5, settings=settings)
    session.expire_all()
    plan = planning.plan_view(session, plan_id)
    session.rollback()  # SQLite: even a read holds the write lock until it ends
    return plan


def _add_spare_van_and_parcel(session, settings, parcel_data):
    session.add(Vehicle(id="WAW-e-van-9", depot_id="WAW", vehicle_type_id="e-van"))
    data = parcel_data(tracking_code="NEW0001", locker_id="L03")
    parcels.preadvise(session, ParcelCreate.model_validate(data), MORNING, settings=settings)
    session.commit()


def test_the_driven_part_stays_and_a_new_parcel_goes_with_a_van_from_the_depot(
    engine, session, city, settings, parcel_data
):
    plan = _first_plan(engine, session, city, settings)
    route = plan.routes[0]
    now = route.stops_list[1].departs_at + timedelta(minutes=1)  # two stops driven
    _add_spare_van_and_parcel(session, settings, parcel_data)
    new_id = planning.replan(
        engine, plan.id, now, actor="t", request=ReplanRequest(seconds=0.5), settings=settings
    )
    session.expire_all()
    new = planning.plan_view(session, new_id)
    assert planning.plan_view(session, plan.id).state == "replaced"
    assert new.replaces == plan.id and new.feasible
    same_van = next(r for r in new.routes if r.vehicle_id == route.vehicle_id)
    driven = [(s.locker_id, s.eta) for s in route.stops_list[:2]]
    assert [(s.locker_id, s.eta) for s in same_van.stops_list[:2]] == driven
    aboard = {p.tracking_code for s in route.stops_list[2:] for p in s.parcels}
    still = {p.tracking_code for s in same_van.stops_list[2:] for p in s.parcels}
    assert aboard == still  # what the van carries only it can drop
    spare = next(r for r in new.routes if r.vehicle_id == "WAW-e-van-9")
    assert {p.tracking_code for s in spare.stops_list for p in s.parcels} == {"NEW0001"}
    assert new.changes["added"] == ["NEW0001"] and new.changes["warm_start"]
    assert all(s.eta >= now for s in same_van.stops_list[2:])


def test_a_broken_down_van_keeps_what_it_drove_and_its_parcels_are_reported(
    engine, session, city, settings
):
    plan = _first_plan(engine, session, city, settings)
    route = plan.routes[0]
    now = route.stops_list[0].departs_at + timedelta(minutes=1)
    request = ReplanRequest(seconds=0.3, broken_down=[route.vehicle_id])
    new_id = planning.replan(engine, plan.id, now, actor="t", request=request, settings=settings)
    session.expire_all()
    new = planning.plan_view(session, new_id)
    broken = next(r for r in new.routes if r.vehicle_id == route.vehicle_id)
    assert broken.broken_down_at == now
    assert [s.locker_id for s in broken.stops_list] == [route.stops_list[0].locker_id]
    aboard = {p.tracking_code for s in route.stops_list[1:] for p in s.parcels}
    reasons = {u.tracking_code: u.reason for u in new.unrouted}
    assert set(reasons) == aboard
    assert all("broken-down vehicle" in reason for reason in reasons.values())
    assert (
        session.exec(select(Vehicle).where(Vehicle.id == route.vehicle_id)).one().in_service
        is False
    )


def test_a_replaced_plan_cannot_be_replanned_again(engine, session, city, settings):
    plan = _first_plan(engine, session, city, settings)
    request = ReplanRequest(seconds=0.2)
    planning.replan(engine, plan.id, MORNING, actor="t", request=request, settings=settings)
    with pytest.raises(Conflict):
        planning.replan(engine, plan.id, MORNING, actor="t", request=request, settings=settings)


def test_a_courier_revoked_since_does_not_stop_a_replan(engine, session, city, settings):
    plan = _first_plan(engine, session, city, settings)
    courier = registered(session, "Ola", MORNING, settings, "5551234567")
    route = plan.routes[0]
    planning.assign_courier(
        session, plan.id, route.id, courier.id, MORNING, actor="t", settings=settings
    )
    courier_routes.revoke_courier(session, courier.id, MORNING, actor="t", settings=settings)
    session.commit()
    request = ReplanRequest(seconds=0.2)
    new_id = planning.replan(
        engine, plan.id, MORNING, actor="t", request=request, settings=settings
    )
    session.expire_all()
    new = planning.plan_view(session, new_id)
    assert new.routes[0].courier_id == courier.id  # the route keeps its courier, who has no list
    assert courier_routes.route_of(session, courier.id, MORNING.date()) == sorted(
        {stop.locker_id for stop in route.stops_list}
    )
