"""Out of service reaches the board and the cloud never undoes it (issue 14's bug): taking a
compartment out (or back) queues the signed `service` command, every reconnect queues it
again, and a board that had not heard yet and gives the compartment to a courier's parcel
does not get it reserved behind the operator's back: an alarm, an audit entry, the command
again."""

import pytest
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import Alarm, AuditEntry, Compartment
from cloud.services import compartment_service, parcels, resync
from tests.cloud.board_events.test_keypad import commands, compartment


@pytest.fixture
def locker(session, make_locker, parcel_data, now, settings):
    """L1: 1 S, 2 S, 3 M, 4 L; JJD0001 reserved in 1; compartment 3 out of service."""
    locker, _ = make_locker(sizes="SSML")
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    compartment_service.take_out_of_service(
        session, "L1", 3, now, actor="operator:ann", reason="hinge", settings=settings
    )
    session.flush()
    return locker


def test_taking_out_and_back_queues_the_signed_service_command(session, locker, now, settings):
    assert commands(session, "service") == [{"cmp": 3, "out": 1}]
    compartment_service.return_to_service(session, "L1", 3, now, actor="operator:ann")
    assert commands(session, "service") == [{"cmp": 3, "out": 1}, {"cmp": 3, "out": 0}]


def test_every_reconnect_queues_it_again(session, locker, now, settings):
    before = len(commands(session, "service"))
    resync.resync_locker(session, locker, now, settings=settings)
    assert commands(session, "service")[before:] == [{"cmp": 3, "out": 1}]


def test_a_board_that_gives_it_to_a_parcel_does_not_get_it_reserved(session, locker, now, settings):
    body = {"lkr": "L1", "seq": 1, "t": to_ms(now), "type": "retargeted"}
    body |= {"parcel": "JJD0001", "cmp": 3, "from": 1, "reason": "too_small"}
    apply_device_event(session, locker, body, now, settings=settings)
    session.flush()
    assert compartment(session, 3).state == "out_of_service"
    assert compartment(session, 3).parcel_id is None
    assert compartment(session, 1).state == "reserved"  # the parcel keeps its reservation
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.kind, alarm.compartment) == ("conflict", 3)
    assert commands(session, "service")[-1] == {"cmp": 3, "out": 1}
    entries = session.exec(select(AuditEntry).where(AuditEntry.action == "parcel_retargeted"))
    assert "out of service" in entries.one().detail


def test_a_pre_advice_never_gets_it(session, locker, parcel_data, now, settings):
    medium = parcel_data(tracking_code="M1", height_mm=200)  # fits M (3, out) and L (4)
    parcel = parcels.preadvise(session, medium, now, settings=settings)
    assert session.get(Compartment, parcel.compartment_id).number == 4
