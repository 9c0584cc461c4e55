"""Plans follow their parcels: a parcel redirected at the courier's deposit (its locker full)
or held by its recipient makes the active plan astray; the maintenance loop's job re-plans it,
debounced, and then leaves it be. Real board events, real database, real solver."""

import threading
import time
import uuid
from datetime import timedelta

from sqlmodel import select

from cloud import planning
from cloud.models import AuditEntry, Parcel, RoutePlan
from cloud.models.plan_views import ReplanRequest
from cloud.planning.follow import ACTOR, follow_parcels
from cloud.planning.replan import is_replanning
from cloud.services import courier_routes, parcels, recipient_hold, recipient_redirect
from tests.cloud.planning.conftest import MORNING, full_at_deposit
from tests.support.couriers import registered

EARLY = MORNING - timedelta(minutes=30)  # the plan is made before the vans leave at 06:00


def _view(session, plan_id: uuid.UUID, now):
    session.expire_all()
    view = planning.plan_view(session, plan_id, now=now)
    session.rollback()
    return view


def _stops(view) -> dict[str, tuple[str, str]]:
    """tracking code -> (vehicle, locker) of every parcel the plan routes."""
    return {
        parcel.tracking_code: (route.vehicle_id, stop.locker_id)
        for route in view.routes
        for stop in route.stops_list
        for parcel in stop.parcels
    }


def _active(session) -> RoutePlan:
    session.expire_all()
    plan = session.exec(select(RoutePlan).where(RoutePlan.state == "active")).one()
    session.rollback()
    return plan


def _follow(engine, settings, now) -> int:
    return follow_parcels(engine, now, settings.model_copy(update={"plan_follow_seconds": 0.3}))


def test_a_parcel_redirected_at_deposit_is_carried_on_to_its_new_locker(
    engine, session, city, settings
):
    city(lockers_count=2, per_locker=1, sizes="L")  # L01 and L02, 1.4 km apart
    other = session.exec(select(Parcel).where(Parcel.tracking_code == "PL02000")).one()
    parcels.cancel(session, other.id, EARLY, settings=settings)  # L02 has room
    session.commit()
    plan_id = planning.plan_depot(engine, "WAW", EARLY, actor="t", seconds=0.3, settings=settings)
    plan = _view(session, plan_id, EARLY)
    ((van, _),) = _stops(plan).values()
    courier = registered(session, "Ola", EARLY, settings, "5551234567")
    planning.assign_courier(
        session, plan_id, plan.routes[0].id, courier.id, EARLY, actor="t", settings=settings
    )
    session.commit()
    at_l01 = plan.routes[0].stops_list[0]
    full_at_deposit(session, settings, "PL01000", at_l01.eta)
    assert _view(session, plan_id, at_l01.eta).astray == [
        "parcel PL01000 now goes to L02: re-plan needed"
    ]

    later = at_l01.departs_at + timedelta(minutes=1)  # the van has left L01 with the parcel
    assert _follow(engine, settings, later) == 1
    new = _active(session)
    assert new.replaces == plan_id and new.created_by == ACTOR
    view = _view(session, new.id, later)
    assert _stops(view)["PL01000"] == (van, "L02") and view.astray == []
    assert [s.locker_id for s in view.routes[0].stops_list] == ["L01", "L02"]  # L01 as driven
    assert courier_routes.route_of(session, courier.id, EARLY.date()) == ["L01", "L02"]
    audited = session.exec(select(AuditEntry).where(AuditEntry.action == "route_plan_follows"))
    assert [e.actor for e in audited] == [ACTOR]
    session.rollback()  # hold no lock while the job runs
    assert _follow(engine, settings, later + timedelta(minutes=10)) == 0  # no churn
    assert _active(session).id == new.id


def test_a_held_parcel_leaves_the_route_after_the_debounce(engine, session, city, settings):
    city(lockers_count=2, per_locker=2)
    plan_id = planning.plan_depot(engine, "WAW", EARLY, actor="t", seconds=0.3, settings=settings)
    assert set(_stops(_view(session, plan_id, EARLY))) == {
        "PL01000",
        "PL01001",
        "PL02000",
        "PL02001",
    }
    held = session.exec(select(Parcel).where(Parcel.tracking_code == "PL01000")).one()
    until = EARLY.date() + timedelta(days=2)
    recipient_hold.hold(session, held.id, until, EARLY, settings, actor="recipient")
    session.commit()

    soon = EARLY + timedelta(minutes=1)
    assert _follow(engine, settings, soon) == 0  # debounced: the plan is a minute old
    assert _active(session).id == plan_id
    assert _view(session, plan_id, soon).astray == [
        f"parcel PL01000 is held until {until.isoformat()}: re-plan needed"
    ]
    debounced = EARLY + timedelta(minutes=settings.plan_follow_minutes)
    assert _follow(engine, settings, debounced) == 1
    new = _active(session)
    assert set(_stops(_view(session, new.id, debounced))) == {"PL01001", "PL02000", "PL02001"}
    assert _follow(engine, settings, debounced + timedelta(minutes=10)) == 0  # no churn
    assert _active(session).id == new.id


def test_a_parcel_its_recipient_redirects_is_routed_to_the_new_locker(
    engine, session, city, settings
):
    city(lockers_count=2, per_locker=1, sizes="LL")  # L02 keeps a free compartment
    plan_id = planning.plan_depot(engine, "WAW", EARLY, actor="t", seconds=0.3, settings=settings)
    assert {
        code: locker for code, (_, locker) in _stops(_view(session, plan_id, EARLY)).items()
    } == {
        "PL01000": "L01",
        "PL02000": "L02",
    }
    moved = session.exec(select(Parcel).where(Parcel.tracking_code == "PL01000")).one()
    recipient_redirect.redirect(session, moved.id, "L02", EARLY, settings, actor="recipient")
    session.commit()
    debounced = EARLY + timedelta(minutes=settings.plan_follow_minutes)
    assert _follow(engine, settings, debounced) == 1
    view = _view(session, _active(session).id, debounced)
    assert {code: locker for code, (_, locker) in _stops(view).items()} == {
        "PL01000": "L02",
        "PL02000": "L02",
    }


def test_a_plan_with_nothing_astray_is_left_alone(engine, session, city, settings):
    city(lockers_count=2, per_locker=1)
    plan_id = planning.plan_depot(engine, "WAW", EARLY, actor="t", seconds=0.3, settings=settings)
    assert _follow(engine, settings, EARLY + timedelta(minutes=20)) == 0
    assert _active(session).id == plan_id


def test_a_plan_being_replanned_is_not_followed_meanwhile(engine, session, city, settings):
    city(lockers_count=2, per_locker=2)
    plan_id = planning.plan_depot(engine, "WAW", EARLY, actor="t", seconds=0.3, settings=settings)
    held = session.exec(select(Parcel).where(Parcel.tracking_code == "PL01000")).one()
    until = EARLY.date() + timedelta(days=2)
    recipient_hold.hold(session, held.id, until, EARLY, settings, actor="recipient")
    session.commit()
    debounced = EARLY + timedelta(minutes=settings.plan_follow_minutes)
    operator = threading.Thread(
        target=planning.replan,
        args=(engine, plan_id, debounced),
        kwargs={"actor": "op", "request": ReplanRequest(seconds=3), "settings": settings},
    )
    operator.start()
    while operator.is_alive() and not is_replanning(plan_id):
        time.sleep(0.01)
    assert _follow(engine, settings, debounced) == 0  # the operator's re-plan is solving
    operator.join()
    assert _active(session).created_by == "op"
    follows = session.exec(select(AuditEntry).where(AuditEntry.action == "route_plan_follows"))
    assert follows.all() == []
