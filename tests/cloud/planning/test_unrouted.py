"""Parcels that cannot be routed get a reason each, an alternative where one exists, and an
operator alarm when they miss two waves. Nothing is dropped silently."""

from sqlmodel import select

from cloud import planning
from cloud.models import Alarm, Compartment, Locker, Parcel, VehicleType
from cloud.models.states import CompartmentState, ParcelState
from tests.cloud.planning.conftest import MORNING


def _plan(engine, session, settings):
    plan_id = planning.plan_depot(engine, "WAW", MORNING, actor="t", seconds=0.3, settings=settings)
    session.expire_all()
    plan = planning.plan_view(session, plan_id)
    session.rollback()
    return plan


def _reasons(plan) -> dict[str, str]:
    return {u.tracking_code: u.reason for u in plan.unrouted}


def test_a_locker_without_coordinates(engine, session, city, settings):
    made = city(lockers_count=2, per_locker=1)
    locker = session.get(Locker, made["lockers"][0])
    locker.latitude = locker.longitude = None
    session.commit()
    plan = _plan(engine, session, settings)
    assert _reasons(plan) == {"PL01000": "not routed: locker L01 has no coordinates"}
    assert plan.parcels == 1  # the other locker is served


def test_a_depot_without_vehicles(engine, session, city, settings):
    city(lockers_count=2, per_locker=1, vans=())
    plan = _plan(engine, session, settings)
    assert set(_reasons(plan).values()) == {"not routed: depot WAW has no vehicle in service"}
    assert plan.routes == [] and len(plan.unrouted) == 2


def test_a_parcel_bigger_than_every_vehicle(engine, session, city, settings):
    city(lockers_count=1, per_locker=1, vans=(("bike", 1),))
    session.get(VehicleType, "bike").capacity_litres = 5  # the parcel is 12 l
    session.commit()
    plan = _plan(engine, session, settings)
    assert _reasons(plan) == {
        "PL01000": "not routed: 12 l is bigger than every vehicle of depot WAW "
        "(the largest holds 5 l)"
    }


def test_a_locker_no_vehicle_reaches_within_its_access_hours(engine, session, city, settings):
    made = city(lockers_count=2, per_locker=1)
    session.get(Locker, made["lockers"][1]).access_hours = "05:00-05:30"  # before any shift
    session.commit()
    plan = _plan(engine, session, settings)
    assert _reasons(plan) == {
        "PL02000": "not routed: no vehicle reaches locker L02 within its access hours"
    }
    unrouted = plan.unrouted[0]
    assert unrouted.alternative.startswith("redirect to locker L01")


def test_a_full_locker_is_not_sent_more_and_names_an_alternative(engine, session, city, settings):
    made = city(lockers_count=2, per_locker=1, sizes="L")
    parcel = session.exec(select(Parcel).where(Parcel.tracking_code == "PL01000")).one()
    compartment = session.get(Compartment, parcel.compartment_id)
    parcel.state, parcel.compartment_id = ParcelState.ANNOUNCED, None  # lost it to a deposit
    compartment.state, compartment.parcel_id = CompartmentState.OCCUPIED, None
    other = session.exec(select(Compartment).where(Compartment.locker_id == made["lockers"][1]))
    other.one().state = CompartmentState.FREE
    session.exec(select(Parcel).where(Parcel.tracking_code == "PL02000")).one().state = "cancelled"
    session.commit()
    plan = _plan(engine, session, settings)
    assert _reasons(plan) == {
        "PL01000": "not routed: locker L01 full (no free compartment fits it)"
    }
    assert plan.unrouted[0].alternative.startswith("redirect to locker L02 (")


def test_two_missed_waves_raise_an_operator_alarm(engine, session, city, settings):
    city(lockers_count=1, per_locker=1, vans=())
    _plan(engine, session, settings)
    assert session.exec(select(Alarm)).all() == []
    session.rollback()
    second = _plan(engine, session, settings)
    assert second.unrouted[0].waves_missed == 2
    alarm = session.exec(select(Alarm).where(Alarm.kind == "parcel_not_routed")).one()
    assert "PL01000 missed 2 dispatch waves" in alarm.detail
