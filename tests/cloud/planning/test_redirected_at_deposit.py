"""A parcel redirected at the courier's deposit (its locker full) is on the re-plan at its new
locker: planning reads the parcel's current locker. Real board events, real planner."""

import uuid

from sqlmodel import select

from cloud import planning
from cloud.models import Parcel
from cloud.models.plan_views import ReplanRequest
from cloud.services import parcels
from tests.cloud.planning.conftest import MORNING, full_at_deposit


def _stops_of(session, plan_id: uuid.UUID) -> dict[str, str]:
    session.expire_all()
    plan = planning.plan_view(session, plan_id)
    session.rollback()
    return {
        parcel.tracking_code: stop.locker_id
        for route in plan.routes
        for stop in route.stops_list
        for parcel in stop.parcels
    }


def test_a_parcel_redirected_at_deposit_is_replanned_to_its_new_locker(
    engine, session, city, settings
):
    city(lockers_count=2, per_locker=1, sizes="L")  # L01 and L02, 1.4 km apart
    other = session.exec(select(Parcel).where(Parcel.tracking_code == "PL02000")).one()
    parcels.cancel(session, other.id, MORNING, settings=settings)  # L02 has room
    session.commit()
    plan_id = planning.plan_depot(engine, "WAW", MORNING, actor="t", seconds=0.3, settings=settings)
    assert _stops_of(session, plan_id) == {"PL01000": "L01"}
    full_at_deposit(session, settings, "PL01000", MORNING)
    again = ReplanRequest(seconds=0.3)
    new_id = planning.replan(engine, plan_id, MORNING, actor="t", request=again, settings=settings)
    assert _stops_of(session, new_id) == {"PL01000": "L02"}
