"""A board that comes online gets its whole state again: nothing the cloud decided is lost."""

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from cloud.board_events import apply_device_event
from cloud.board_events.context import APPLIED
from cloud.core.clock import to_ms
from cloud.models import DeviceEvent, Notification, Parcel
from cloud.services import (
    courier_routes,
    couriers,
    devices,
    lockers,
    notifications,
    outbox,
    parcels,
)
from protocol.verifiers import courier_verifier, pin_verifier
from tests.support.couriers import registered

WEEK = timedelta(days=7)
CODE = "4711471147"


def event(seq, type, parcel, cmp):
    return {"lkr": "L1", "seq": seq, "t": 0, "type": type, "parcel": parcel, "cmp": cmp}


def mark_all_sent(session, now):
    for message in outbox.pending(session, "L1"):
        message.sent_at = now
    session.flush()


def routed_courier(session, now, settings, code=CODE):
    """A courier with L1 on today's route."""
    courier = registered(session, "Bob", now, settings, code)
    courier_routes.set_route(
        session, courier.id, now.date(), ["L1"], now, actor="system", settings=settings
    )
    return courier


def pending(session):
    return [(m.type, json.loads(m.body), m.expires_at) for m in outbox.pending(session, "L1")]


def pin_of(session, settings, tracking_code):
    parcel = session.exec(select(Parcel).where(Parcel.tracking_code == tracking_code)).one()
    notification = session.exec(
        select(Notification).where(Notification.parcel_id == parcel.id)
    ).one()
    return re.search(r"PIN (\d+)", notifications.text_to_send(notification, settings)).group(1)


def test_coming_online_queues_couriers_reservations_and_live_credentials(
    session, make_locker, parcel_data, now, settings
):
    locker, key = make_locker(sizes="SSSSS")
    key = bytes.fromhex(key)
    routed_courier(session, now, settings)

    def preadvise(code, at=now):
        return parcels.preadvise(session, parcel_data(tracking_code=code), at, settings=settings)

    preadvise("RESERVED")  # compartment 1
    preadvise("DEPOSITED")  # 2
    preadvise("COLLECTED")  # 3
    preadvise("OLD", now - timedelta(hours=71))  # 4
    cancelled = preadvise("CANCELLED")  # 5
    apply_device_event(
        session, locker, event(1, "deposited", "DEPOSITED", 2), now, settings=settings
    )
    apply_device_event(
        session, locker, event(2, "deposited", "COLLECTED", 3), now, settings=settings
    )
    apply_device_event(
        session, locker, event(3, "collected", "COLLECTED", 3), now, settings=settings
    )
    apply_device_event(
        session,
        locker,
        event(4, "deposited", "OLD", 4),
        now - timedelta(hours=71),
        settings=settings,
    )
    parcels.cancel(session, cancelled.id, now, settings=settings)
    mark_all_sent(session, now)

    later = now + timedelta(hours=2)  # OLD's PIN has expired, DEPOSITED's lives until now + 72 h
    devices.set_online(session, "L1", True, later, settings=settings)

    deadline = now + timedelta(hours=72)
    assert pending(session) == [
        (
            "couriers",
            {"v": [courier_verifier(key, CODE)], "until": couriers.day_end_ms(later.date())},
            later + WEEK,
        ),
        # each decided with the board's events up to 4 applied (protocol.md, "Stale commands")
        ("reserve", {"parcel": "RESERVED", "cmp": 1, "asof": 4}, later + WEEK),
        (
            "credential",
            {
                "parcel": "DEPOSITED",
                "cmp": 2,
                "until": to_ms(deadline),
                "v": pin_verifier(key, pin_of(session, settings, "DEPOSITED")),
                "asof": 4,
                "lang": "en",
            },
            deadline,
        ),
    ]


def test_a_board_provisioned_and_preadvised_before_it_ever_connected_gets_its_commands(
    session, make_locker, parcel_data, now, settings
):
    """No broker session existed to keep the first `couriers` and `reserve`: they come again."""
    make_locker()
    routed_courier(session, now, settings)
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    first = pending(session)
    mark_all_sent(session, now)
    later = now + timedelta(hours=3)  # the same day: the same courier list
    devices.set_online(session, "L1", True, later, settings=settings)
    assert [(type, body) for type, body, _ in pending(session)] == [
        (type, body) for type, body, _ in first
    ]


def test_every_online_message_resyncs_and_an_offline_one_does_not(
    session, make_locker, now, settings
):
    make_locker()
    devices.set_online(session, "L1", False, now, settings=settings)
    assert pending(session) == []
    for _ in range(2):
        devices.set_online(session, "L1", True, now, settings=settings)
    empty = {"v": [], "until": couriers.day_end_ms(now.date())}
    assert pending(session) == [("couriers", empty, now + WEEK)] * 2  # an empty list replaces too


def test_no_parcels_of_other_lockers_are_sent(session, make_locker, parcel_data, now, settings):
    make_locker("L1")
    make_locker("L2")
    parcels.preadvise(session, parcel_data(locker_id="L2"), now, settings=settings)
    mark_all_sent(session, now)
    devices.set_online(session, "L1", True, now, settings=settings)
    assert [type for type, _, _ in pending(session)] == ["couriers"]


def test_a_resync_waits_for_nothing_an_event_of_the_same_board_holds(
    engine, session, make_locker, parcel_data, now, settings
):
    """PostgreSQL: an event's inbox row holds a KEY SHARE lock on the locker; the resync's lock on
    the locker must not wait for it while holding the compartments the event needs next."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    make_locker()
    routed_courier(session, now, settings)
    session.commit()
    with Session(engine) as event_tx:
        event_tx.add(
            DeviceEvent(
                locker_id="L1", seq=1, type="jammed", body="{}", outcome=APPLIED, received_at=now
            )
        )
        event_tx.flush()  # as apply_device_event records the event before it locks compartments
        resync = threading.Thread(target=_come_online, args=(engine, now, settings, errors := []))
        resync.start()
        resync.join(timeout=5)
        assert not resync.is_alive(), "the resync waits for the event's transaction"
        lockers.compartments_of(event_tx, "L1", for_update=True)
        event_tx.commit()
    assert errors == []


def _come_online(engine, now, settings, errors):
    try:
        with Session(engine) as session:
            devices.set_online(session, "L1", True, now, settings=settings)
            session.commit()
    except Exception as error:  # noqa: BLE001 - reported to the test
        errors.append(error)
