"""The demo's morning in Kraków (`locker demo`): planned, dropped in ETA order, re-planned after
a breakdown, the rest planned at noon, collected, measured; over a real broker, bridge, cloud,
solver and one simulated board."""

import pytest
from sqlmodel import Session, select

from cloud.models import DeviceEvent, Parcel, ParcelState, RoutePlan
from fleet.localhost import free_port
from locker import city
from locker.morning import CityMorning, maintenance_jobs
from locker.phone_inbox import PhoneInbox
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker
from tests.support.cloud_stack import LoggedInStack

pytestmark = pytest.mark.e2e


@pytest.fixture
def broker(embedded_broker):
    """The demo's own broker: this morning is about planning, other tests try Mosquitto."""
    return embedded_broker


@pytest.fixture
def cloud(broker, database):
    """The cloud as the demo runs it: its maintenance loop leaves the waves to the morning."""
    url, schema = database
    stack = LoggedInStack(
        broker.url, url, PhoneInbox(), free_port(), schema=schema, jobs=maintenance_jobs()
    ).start()
    yield stack
    stack.stop()


class QuickMorning(CityMorning):
    plan_seconds = 1.0  # a worse plan, as complete: the test checks the story, not the km
    replan_seconds = 0.5


def test_the_city_morning_plans_delivers_replans_and_collects(cloud, broker):
    lines = []

    def start_board(locker_id, key):
        return VirtualLocker(locker_id, key, parse_layout(city.BOARD_LAYOUT), broker.url).start()

    morning = QuickMorning(cloud, start_board, cloud.admin_headers, lines.append, actor="t")
    try:
        morning.run()
    finally:
        morning.close()

    first = morning.plans[0]
    assert first.parcels + len(first.unrouted) == 200
    assert {"bike", "e-van"} <= {route.vehicle_type_id for route in first.routes}
    with Session(cloud.engine) as session:
        states = session.exec(select(Parcel.state)).all()
        plans = session.exec(select(RoutePlan.state, RoutePlan.wave)).all()
        board_events = session.exec(
            select(DeviceEvent.type).where(DeviceEvent.locker_id == city.SITES[0].id)
        ).all()
    assert len(states) == 201  # and the late parcel
    assert set(states) <= {ParcelState.DEPOSITED, ParcelState.COLLECTED}
    assert states.count(ParcelState.COLLECTED) == 3 + 6
    assert sorted(plans) == [("active", "06:00"), ("active", "12:00"), ("replaced", "06:00")]
    # the board's parcels went through its firmware: keypad, doors, signed events
    assert board_events.count("deposited") == len(morning.codes_at(city.SITES[0].id))
    # every stop driven was marked done by the deposits the boards reported
    assert morning.kpis.stops_done == morning.kpis.stops_planned > 0
    assert any(line.startswith("[kpis]") for line in lines)
    figures = [line for line in lines if "per parcel" in line and line.startswith("[figures]")]
    assert len(figures) == 2
