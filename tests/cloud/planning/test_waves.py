"""Dispatch waves at their cut-offs, and deposits marking the plan's stops done."""

from datetime import datetime, timedelta

from cloud import planning
from cloud.planning import progress
from cloud.planning.waves import due_waves, plan_due_waves
from tests.cloud.planning.conftest import MORNING


def test_the_latest_cutoff_passed_is_planned_once(engine, session, city, settings):
    city(lockers_count=2, per_locker=1)
    assert due_waves(session, datetime(2030, 1, 1, 5, 59)) == []
    noon = datetime(2030, 1, 1, 12, 30)
    assert due_waves(session, noon) == [("WAW", "12:00")]
    session.rollback()
    assert plan_due_waves(engine, noon, settings.model_copy(update={"routing_wave_seconds": 0.3}))
    assert due_waves(session, noon) == []
    plans = planning.plans_of(session, "WAW")
    assert [(p.wave, p.created_by, p.parcels) for p in plans] == [("12:00", "system", 2)]


def test_a_deposit_marks_its_stop_done(engine, session, city, settings):
    city(lockers_count=2, per_locker=2)
    plan_id = planning.plan_depot(engine, "WAW", MORNING, actor="t", seconds=0.3, settings=settings)
    session.expire_all()
    stop = planning.plan_view(session, plan_id).routes[0].stops_list[0]
    at = stop.eta + timedelta(minutes=3)
    assert progress.parcel_done(session, stop.parcels[0].parcel_id, at)
    session.commit()
    session.expire_all()
    again = planning.plan_view(session, plan_id).routes[0].stops_list[0]
    assert again.done_at == at and again.parcels[0].done_at == at
    kpis = planning.routing_kpis(session, MORNING, MORNING + timedelta(days=1))
    assert kpis.stops_done == 1 and kpis.on_time_rate == 1.0 and kpis.parcels == 4
