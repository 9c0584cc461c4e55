"""Planning a depot's wave end to end on a real database and the real solver."""

from sqlmodel import select

from cloud import planning
from cloud.models import Parcel, PlanParcel
from tests.cloud.planning.conftest import MORNING


def test_every_parcel_of_the_wave_is_on_a_stop_or_has_a_reason(engine, session, city, settings):
    made = city(lockers_count=6, per_locker=3)
    plan_id = planning.plan_depot(
        engine, "WAW", MORNING, actor="operator:test", seconds=0.5, settings=settings
    )
    session.expire_all()
    plan = planning.plan_view(session, plan_id)
    assert plan.feasible and plan.routes
    on_stops = {p.tracking_code for r in plan.routes for s in r.stops_list for p in s.parcels}
    assert on_stops == set(made["parcels"])
    assert plan.unrouted == []
    assert plan.parcels == 18 and plan.stops == 6
    for route in plan.routes:
        loads = [route.load_at_start] + [stop.load_after for stop in route.stops_list]
        assert all(0 <= load <= 60 for load in loads)
        assert [s.seq for s in route.stops_list] == list(range(1, len(route.stops_list) + 1))
        etas = [s.eta for s in route.stops_list]
        assert etas == sorted(etas) and route.departs_at <= etas[0]
    assert plan.doorstep is not None and plan.doorstep.km > plan.km
    assert plan.doorstep.failed_attempts_avoided == round(18 * 0.12, 2)


def test_a_second_wave_takes_only_the_new_parcels(engine, session, city, settings):
    city(lockers_count=3, per_locker=2)
    first = planning.plan_depot(engine, "WAW", MORNING, actor="t", seconds=0.3, settings=settings)
    second = planning.plan_depot(engine, "WAW", MORNING, actor="t", seconds=0.3, settings=settings)
    session.expire_all()
    assert planning.plan_view(session, first).parcels == 6
    assert planning.plan_view(session, second).parcels == 0
    rows = session.exec(select(PlanParcel).where(PlanParcel.plan_id == second)).all()
    assert rows == []
    assert all(p.waves_missed == 0 for p in session.exec(select(Parcel)).all())
