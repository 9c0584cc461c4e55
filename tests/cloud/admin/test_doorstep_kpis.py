"""What lockers saved, summed from the plans in force in a window."""

from datetime import date, timedelta

from cloud.admin.doorstep_kpis import doorstep_savings
from cloud.models import Depot, RoutePlan
from tests.conftest import NOW

H = timedelta(hours=1)


def _plan(session, starts_at, *, state="active", depot="D1", km=30.0, parcels=60, door_km=90.0):
    session.add(
        RoutePlan(
            depot_id=depot,
            day=date(2030, 1, 1),
            wave="06:00",
            state=state,
            created_by="tests",
            starts_at=starts_at,
            km=km,
            co2_g=km * 100,
            parcels=parcels,
            doorstep_km=door_km,
            doorstep_co2_g=door_km * 150,
            doorstep_failed_attempts=parcels * 0.1,
        )
    )


def test_savings_sum_the_plans_in_force_in_the_window(session):
    for depot in ("D1", "D2"):
        session.add(Depot(id=depot, name=depot, latitude=52.5, longitude=13.4))
    session.flush()
    _plan(session, NOW - 2 * H)
    _plan(session, NOW - 3 * H, state="replaced", km=99.0)  # re-planned: not what was driven
    _plan(session, NOW - 4 * H, depot="D2", km=10.0, parcels=20, door_km=40.0)
    _plan(session, NOW - 48 * H)  # before the window
    session.commit()

    both = doorstep_savings(session, NOW - 24 * H, NOW)
    assert (both.km, both.km_saved) == (130.0, 130.0 - 40.0)
    assert both.co2_saved_g == 130.0 * 150 - 40.0 * 100
    assert both.failed_attempts_avoided == both.failed_attempts == 8.0
    assert round(both.failure_rate, 3) == 0.1
    one = doorstep_savings(session, NOW - 24 * H, NOW, depot_id="D2")
    assert one.km_saved == 30.0
    assert doorstep_savings(session, NOW - H, NOW) is None
