"""Door faults and refused commands from boards become operator alarms, one open per
(locker, compartment, kind); reconciliation raises conflicts and adopts the board's jams."""

import pytest
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.models import Alarm, Compartment, OutboxMessage
from cloud.services import alarms, parcels
from cloud.services.errors import NotFound
from cloud.services.reconcile import reconcile_inventory


def event(seq, type, **fields):
    return {"lkr": "L1", "seq": seq, "t": 1_893_499_200_000, "type": type, **fields}


def inventory(seq, *rows):
    return {
        "lkr": "L1",
        "t": 1_893_499_200_000,
        "type": "inventory",
        "seq": seq,
        "cmps": list(rows),
    }


def open_alarms(session):
    return [(a.kind, a.compartment, a.count) for a in alarms.list_alarms(session, open_only=True)]


def compartment(session, number):
    return session.exec(select(Compartment).where(Compartment.number == number)).one()


@pytest.fixture
def locker(session, make_locker):
    return make_locker(sizes="SML")[0]


@pytest.mark.parametrize(
    "type_, kind", [("jammed", "jammed"), ("door_left_open", "left_open"), ("tamper", "tamper")]
)
def test_a_door_fault_raises_one_open_alarm_and_repeats_bump_its_count(
    session, locker, now, settings, type_, kind
):
    for seq in (1, 2, 2):  # seq 2 again: a resend, applied never
        apply_device_event(session, locker, event(seq, type_, cmp=2), now, settings=settings)
    assert open_alarms(session) == [(kind, 2, 2)]


def test_jammed_also_marks_the_compartment(session, locker, now, settings):
    apply_device_event(session, locker, event(1, "jammed", cmp=3), now, settings=settings)
    assert compartment(session, 3).state == "jammed"


def test_an_acknowledged_alarm_makes_room_for_a_new_one(session, locker, now, settings):
    apply_device_event(session, locker, event(1, "tamper", cmp=1), now, settings=settings)
    [alarm] = alarms.list_alarms(session)
    alarms.acknowledge(session, alarm.id, now)
    apply_device_event(session, locker, event(2, "tamper", cmp=1), now, settings=settings)
    assert open_alarms(session) == [("tamper", 1, 1)] and len(alarms.list_alarms(session)) == 2


def test_acknowledging_an_unknown_alarm_is_not_found(session):
    with pytest.raises(NotFound):
        alarms.acknowledge(session, 999, None)


def test_a_refused_command_names_its_type(session, locker, now, settings):
    session.add(OutboxMessage(locker_id="L1", type="open", body="{}", expires_at=now, counter=7))
    apply_device_event(
        session, locker, event(1, "refused", ctr=7, reason="expired"), now, settings=settings
    )
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.kind, alarm.compartment, alarm.detail) == (
        "command_refused",
        None,
        "command ctr 7 (open) refused: expired",
    )


def test_a_refused_ack_raises_nothing(session, locker, now, settings):
    session.add(OutboxMessage(locker_id="L1", type="ack", body="{}", expires_at=now, counter=3))
    apply_device_event(
        session, locker, event(1, "refused", ctr=3, reason="expired"), now, settings=settings
    )
    assert open_alarms(session) == []


# --- reconciliation ---------------------------------------------------------------------------


@pytest.fixture
def deposited(session, locker, parcel_data, now, settings):
    """JJD0001 deposited in compartment 1 (seq 1 applied)."""
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    apply_device_event(
        session, locker, event(1, "deposited", parcel="JJD0001", cmp=1), now, settings=settings
    )
    return locker


def test_agreeing_views_raise_nothing(session, deposited, now):
    found = reconcile_inventory(
        session,
        deposited,
        inventory(1, [1, "occupied", "JJD0001"], [2, "free", ""], [3, "reserved", ""]),
        now,
    )
    assert found == [] and open_alarms(session) == []


def test_a_board_that_says_free_where_the_cloud_has_a_deposit_is_a_conflict(
    session, deposited, now
):
    reconcile_inventory(session, deposited, inventory(1, [1, "free", ""]), now)
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.kind, alarm.compartment) == ("conflict", 1)
    assert alarm.detail == "board: free; cloud: occupied with JJD0001 (deposited)"
    assert compartment(session, 1).state == "occupied"  # never silently overwritten


def test_a_board_holding_a_parcel_the_cloud_has_collected_is_a_conflict(
    session, deposited, now, settings
):
    apply_device_event(
        session, deposited, event(2, "collected", parcel="JJD0001", cmp=1), now, settings=settings
    )
    reconcile_inventory(session, deposited, inventory(2, [1, "occupied", "JJD0001"]), now)
    [alarm] = session.exec(select(Alarm)).all()
    assert alarm.detail == "board: occupied with JJD0001; cloud: free; parcel JJD0001 is collected"
    assert compartment(session, 1).state == "free"


def test_a_board_side_jam_is_adopted(session, deposited, now):
    reconcile_inventory(
        session, deposited, inventory(1, [2, "jammed", ""], [3, "out_of_service", ""]), now
    )
    assert (compartment(session, 2).state, compartment(session, 3).state) == (
        "jammed",
        "out_of_service",
    )
    assert open_alarms(session) == [("jammed", 2, 1)]


def test_an_inventory_ahead_of_the_applied_events_is_not_compared(session, deposited, now):
    assert reconcile_inventory(session, deposited, inventory(5, [1, "free", ""]), now) == []
    assert open_alarms(session) == []


def test_an_open_door_is_left_to_its_event(session, deposited, now):
    assert reconcile_inventory(session, deposited, inventory(1, [1, "open", "JJD0001"]), now) == []
