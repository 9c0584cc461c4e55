"""The whole path: carrier API -> cloud -> bridge -> broker -> board -> keypad and doors, and
back."""

import pytest
from sqlmodel import Session, select

from cloud.models import Compartment, DeviceEvent, Parcel, PickupCredential
from locker.scenario import PARCELS, Scenario

pytestmark = pytest.mark.e2e


def test_every_parcel_is_deposited_and_collected(cloud, provision):
    board, _ = provision()
    Scenario(
        cloud.api.url,
        board,
        cloud.notifications.notifier,
        say=lambda *_: None,
        headers=cloud.admin_headers,
    ).run()

    board.wait_until(lambda c: not c.pending_events(), 15, "every event acknowledged")
    with Session(cloud.engine) as session:
        parcels = session.exec(select(Parcel).where(Parcel.locker_id == board.locker_id)).all()
        assert sorted(p.state for p in parcels) == ["collected"] * len(PARCELS)
        compartments = session.exec(
            select(Compartment).where(Compartment.locker_id == board.locker_id)
        ).all()
        assert {c.state for c in compartments} == {"free"}
        events = session.exec(
            select(DeviceEvent).where(DeviceEvent.locker_id == board.locker_id)
        ).all()
        assert sorted(e.seq for e in events) == list(range(1, 2 * len(PARCELS) + 1))
        assert {e.outcome for e in events} == {"applied"}
        credentials = session.exec(select(PickupCredential)).all()
        assert len(credentials) == len(PARCELS) and all(c.used_at for c in credentials)
    assert all(board.controller.compartment(n).state == "free" for n in board.doors.numbers)
