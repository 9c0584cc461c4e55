"""`offline` and `full` alarms: raised by the board's status and refused pre-advices, resolved
by themselves when the board is back or a compartment is free again."""

import pytest
from sqlmodel import Session, select

from cloud.models import Alarm
from cloud.services import alarms, devices, parcels
from cloud.services.errors import Conflict


def open_kinds(session):
    return [(a.locker_id, a.kind, a.count) for a in alarms.list_alarms(session, open_only=True)]


def test_a_board_never_online_raises_no_offline_alarm(session, make_locker, now):
    make_locker()
    devices.set_online(session, "L1", False, now)
    assert open_kinds(session) == []


def test_going_offline_raises_one_alarm_and_coming_back_resolves_it(
    session, make_locker, now, settings
):
    make_locker()
    devices.set_online(session, "L1", True, now, settings=settings)
    devices.set_online(session, "L1", False, now)
    devices.set_online(session, "L1", False, now)  # the retained will again: no second alarm
    assert open_kinds(session) == [("L1", "offline", 1)]
    devices.set_online(session, "L1", True, now, settings=settings)
    [alarm] = alarms.list_alarms(session)
    assert open_kinds(session) == [] and alarm.resolved_at == now and alarm.acknowledged_at is None


def test_a_new_outage_raises_a_new_alarm(session, make_locker, now, settings):
    make_locker()
    for online in (True, False, True, False):
        devices.set_online(session, "L1", online, now, settings=settings)
    assert open_kinds(session) == [("L1", "offline", 1)] and len(alarms.list_alarms(session)) == 2


def test_a_full_refusal_raises_a_committed_alarm(
    engine, session, make_locker, parcel_data, now, settings
):
    make_locker(sizes="S")
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    session.commit()
    for code in ("JJD0002", "JJD0003"):
        with pytest.raises(Conflict) as refusal:
            parcels.preadvise(session, parcel_data(tracking_code=code), now, settings=settings)
        assert refusal.value.on_record  # the service only flushes: the caller commits the record
        session.commit()
    with Session(engine) as other:  # committed, although the pre-advice failed
        assert open_kinds(other) == [("L1", "full", 2)]


def test_a_parcel_that_fits_nowhere_raises_no_full_alarm(
    session, make_locker, parcel_data, now, settings
):
    make_locker(sizes="S")
    with pytest.raises(Conflict):
        parcels.preadvise(session, parcel_data(height_mm=900), now, settings=settings)
    assert open_kinds(session) == []


def test_the_full_alarm_resolves_when_a_compartment_frees_up(
    session, make_locker, parcel_data, now, settings
):
    make_locker("L1", sizes="S"), make_locker("L2", sizes="S")
    first = parcels.preadvise(session, parcel_data(), now, settings=settings)
    parcels.preadvise(
        session, parcel_data(tracking_code="JJD0009", locker_id="L2"), now, settings=settings
    )
    session.commit()
    for locker_id in ("L1", "L2"):
        with pytest.raises(Conflict):
            parcels.preadvise(
                session,
                parcel_data(tracking_code="JJD0002", locker_id=locker_id),
                now,
                settings=settings,
            )
    parcels.cancel(session, first.id, now, settings=settings)
    session.commit()
    assert open_kinds(session) == [("L2", "full", 1)]
    resolved = session.exec(select(Alarm).where(Alarm.locker_id == "L1")).one()
    assert resolved.resolved_at is not None
