"""A courier comes to a locker with a parcel that lost its compartment and none is left: the
cloud redirects it to the nearest locker with room, moves its reservation, tells the courier
(`refuse_parcel`), the recipient (in their language) and the carrier (`parcel.redirected`,
reason `full_at_deposit`), and audits it; a parcel nobody announced is held at the next locker
the same way. Real board events, real database.

Lockers north of a point in Warsaw, 0.001 degrees of latitude being about 111 m apart:
L1 with one small compartment; L2 667 m from it; L3 2,035 m from L1 (beyond the 1,500 m
walk) and 1,368 m from L2."""

import json

import pytest
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import AuditEntry, Carrier, Compartment, Notification
from cloud.services import notifications, outbox, parcels

LONGITUDE = 21.0122
LOCKERS = {"L1": (52.2297, "S"), "L2": (52.2357, "SM"), "L3": (52.2480, "SML")}


@pytest.fixture
def town(session, make_locker):
    made = {}
    for locker_id, (latitude, sizes) in LOCKERS.items():
        locker, _ = make_locker(locker_id, sizes)
        locker.latitude, locker.longitude = latitude, LONGITUDE
        made[locker_id] = locker
    session.add(Carrier(name="DHL", webhook_url="https://hooks.dhl.example/x"))
    session.flush()
    return made


@pytest.fixture
def displaced(session, town, parcel_data, now, settings):
    """JJD0001 pre-advised to L1 (in German), then the board put another parcel in its only
    compartment: it is announced again, with no compartment."""
    data = parcel_data(recipient={"name": "Ada", "phone": "+48123456789", "language": "de"})
    parcel = parcels.preadvise(session, data, now, settings=settings)
    apply(session, town["L1"], now, settings, event(now, 1, "deposited", parcel="X99", cmp=1))
    assert (parcel.state, parcel.compartment_id) == ("announced", None)
    return parcel


def event(now, seq, type, **fields):
    return {"lkr": "L1", "seq": seq, "t": to_ms(now), "type": type, **fields}


def apply(session, locker, now, settings, *bodies):
    for body in bodies:
        apply_device_event(session, locker, body, now, settings=settings)
    session.flush()


def courier_came(session, town, now, settings):
    """The courier typed JJD0001 at L1, which has no reservation for it, and chose size S."""
    typed = event(now, 2, "unadvised", parcel="JJD0001", size="S")
    apply(session, town["L1"], now, settings, typed)


def commands(session, locker_id, type):
    return [json.loads(m.body) for m in outbox.pending(session, locker_id) if m.type == type]


def test_a_parcel_the_full_locker_has_no_room_for_goes_to_the_next_one(
    session, town, displaced, now, settings
):
    courier_came(session, town, now, settings)
    parcel = displaced
    box = session.get(Compartment, parcel.compartment_id)
    assert (parcel.locker_id, parcel.state, box.locker_id, box.state) == (
        "L2",
        "reserved",
        "L2",
        "reserved",
    )
    assert commands(session, "L2", "reserve") == [{"parcel": "JJD0001", "cmp": 1, "asof": 0}]
    assert commands(session, "L1", "refuse_parcel") == [
        {"parcel": "JJD0001", "reason": "full - take to L2"}
    ]
    [sms] = _sent(session, parcel, "sms")
    text = notifications.text_to_send(sms, settings)
    assert text.startswith("Die Paketstation L1 war voll") and "Locker L2" in text
    [hook] = _sent(session, parcel, "webhook")
    data = json.loads(hook.message)["data"]
    assert (data["locker_id"], data["reason"], data["redirected_from"]) == (
        "L2",
        "full_at_deposit",
        "L1",
    )
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "parcel_redirected"))
    assert (entry.actor, json.loads(entry.detail)["locker"]) == ("board:L1", "L2")


def test_the_parcel_then_opens_its_door_at_the_new_locker(session, town, displaced, now, settings):
    courier_came(session, town, now, settings)
    at_l2 = {"lkr": "L2", "seq": 1, "t": to_ms(now), "type": "deposited"}
    apply(session, town["L2"], now, settings, {**at_l2, "parcel": "JJD0001", "cmp": 1})
    assert (displaced.state, displaced.locker_id) == ("deposited", "L2")
    assert [n.kind for n in _sent(session, displaced, "webhook")] == [
        "parcel.redirected",
        "parcel.deposited",
    ]


def test_with_no_locker_in_walking_distance_the_courier_keeps_it_and_nothing_moves(
    session, town, displaced, now, settings
):
    for box in session.exec(select(Compartment).where(Compartment.locker_id == "L2")):
        box.state = "occupied"
    courier_came(session, town, now, settings)
    assert (displaced.locker_id, displaced.state) == ("L1", "announced")  # L3 is too far
    assert commands(session, "L1", "refuse_parcel") == [
        {"parcel": "JJD0001", "reason": "no free compartment"}
    ]
    assert commands(session, "L3", "reserve") == []
    assert _sent(session, displaced, "sms") == _sent(session, displaced, "webhook") == []


def test_a_carrier_that_said_no_redirect_at_pre_advice_is_not_redirected_at_deposit(
    session, town, parcel_data, now, settings
):
    data = parcel_data(redirect_when_full=False)
    parcel = parcels.preadvise(session, data, now, settings=settings)
    apply(session, town["L1"], now, settings, event(now, 1, "deposited", parcel="X99", cmp=1))
    courier_came(session, town, now, settings)
    assert (parcel.locker_id, parcel.state, parcel.compartment_id) == ("L1", "announced", None)
    assert commands(session, "L1", "refuse_parcel") == [
        {"parcel": "JJD0001", "reason": "no free compartment"}
    ]
    assert commands(session, "L2", "reserve") == []
    assert _sent(session, parcel, "webhook") == []


def test_a_parcel_redirected_at_pre_advice_and_again_at_deposit_is_told_twice(
    session, town, parcel_data, now, settings
):
    for box in session.exec(select(Compartment).where(Compartment.locker_id == "L1")):
        box.state = "occupied"
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    assert parcel.locker_id == "L2"
    at_l2 = {"lkr": "L2", "t": to_ms(now)}
    apply(
        session,
        town["L2"],
        now,
        settings,
        {**at_l2, "seq": 1, "type": "deposited", "parcel": "X1", "cmp": 1},
        {**at_l2, "seq": 2, "type": "deposited", "parcel": "X2", "cmp": 2},
        {**at_l2, "seq": 3, "type": "unadvised", "parcel": "JJD0001", "size": "S"},
    )
    assert parcel.locker_id == "L3"  # L1 is still full
    reasons = [json.loads(n.message)["data"]["reason"] for n in _sent(session, parcel, "webhook")]
    assert reasons == ["full_at_preadvice", "full_at_deposit"]
    assert len(_sent(session, parcel, "sms")) == 2


def _sent(session, parcel, channel):
    query = select(Notification).where(
        Notification.parcel_id == parcel.id, Notification.channel == channel
    )
    return list(session.exec(query.order_by(Notification.id)))


def test_a_parcel_nobody_announced_is_held_at_the_next_locker_when_this_one_is_full(
    session, town, now, settings
):
    for box in session.exec(select(Compartment).where(Compartment.locker_id == "L1")):
        box.state = "occupied"
    typed = event(now, 1, "unadvised", parcel="X77", size="S")
    apply(session, town["L1"], now, settings, typed)
    assert commands(session, "L1", "refuse_parcel") == [
        {"parcel": "X77", "reason": "full - take to L2"}
    ]
    assert commands(session, "L2", "reserve") == [{"parcel": "X77", "cmp": 1, "asof": 0}]
    at_l2 = {"lkr": "L2", "seq": 1, "t": to_ms(now), "type": "deposited"}
    apply(session, town["L2"], now, settings, {**at_l2, "parcel": "X77", "cmp": 1})
    parcel = parcels.live_parcel(session, "L2", "X77")
    assert (parcel.kind, parcel.state, parcel.carrier) == ("unadvised", "deposited", "unadvised")
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "unadvised_parcel"))
    assert json.loads(entry.detail)["redirected_from"] == "L1"
