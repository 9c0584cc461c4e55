"""Remote opens: rate-limited per locker and per operator, a fleet burst stops them, all audited."""

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from cloud.models import Alarm, Compartment, CompartmentState, DoorRelease
from cloud.services import alarms, audit, outbox
from cloud.services.errors import Conflict, NotFound, RateLimited
from cloud.services.remote_open import open_remotely


@pytest.fixture
def fleet(make_locker, session):
    for locker_id in ("A", "B", "C"):
        make_locker(locker_id, sizes="SSSS")
    session.commit()


def attempt(session, now, settings, locker="A", cmp=1, operator="ops", reason="stuck parcel"):
    return open_remotely(session, locker, cmp, operator, reason, now, settings)


def outcomes(engine):
    with Session(engine) as session:
        return [r.outcome for r in session.exec(select(DoorRelease).order_by(DoorRelease.id)).all()]


def test_a_granted_open_queues_the_open_command_and_is_audited(session, fleet, now, settings):
    opened = attempt(session, now, settings, cmp=2)
    assert (opened.locker_id, opened.compartment, opened.actor, opened.outcome) == (
        "A",
        2,
        "operator:ops",
        "queued",
    )
    [command] = [m for m in outbox.pending(session, "A") if m.type == "open"]
    assert json.loads(command.body) == {"cmp": 2}
    assert command.expires_at == now + timedelta(seconds=settings.command_ttl_s)
    [entry] = audit.recent(session, action="remote_command")
    assert entry.actor == "operator:ops" and json.loads(entry.detail)["outcome"] == "queued"


def test_the_fourth_open_of_a_locker_in_the_window_is_refused_with_when_to_retry(
    engine, session, fleet, now, settings
):
    for minute in range(3):
        attempt(session, now + timedelta(minutes=minute), settings, cmp=minute + 1)
    session.commit()
    with pytest.raises(RateLimited) as refusal:
        attempt(session, now + timedelta(minutes=10), settings, operator="other")
    assert refusal.value.code == "remote_open_locker_limit"
    assert refusal.value.retry_after_s == 50 * 60 + 1  # when the first leaves the hour
    assert refusal.value.on_record  # the caller commits it, as the API's session does
    session.commit()
    assert outcomes(engine) == ["queued"] * 3 + ["remote_open_locker_limit"]  # kept
    attempt(session, now + timedelta(minutes=61), settings)  # the window moved on
    assert [m.type for m in outbox.pending(session, "A")].count("open") == 4


def test_an_operator_gets_ten_opens_in_the_window_across_lockers(
    session, make_locker, now, settings
):
    for n in range(4):
        make_locker(f"L{n}", sizes="SSS")
    for i in range(10):
        attempt(session, now + timedelta(seconds=i), settings, locker=f"L{i % 4}", cmp=1)
    with pytest.raises(RateLimited) as refusal:
        attempt(session, now + timedelta(seconds=20), settings, locker="L3", cmp=2)
    assert refusal.value.code == "remote_open_operator_limit"
    # A login asking past its budget raises the burst alarm: nobody opens until an admin looked.
    [alarm] = session.exec(select(Alarm)).all()
    assert alarm.kind == "door_release_burst" and "operator:ops" in alarm.detail
    with pytest.raises(Conflict) as refusal:
        attempt(
            session, now + timedelta(seconds=20), settings, locker="L3", cmp=2, operator="colleague"
        )
    assert refusal.value.code == "remote_open_suspended"
    alarms.acknowledge(session, alarm.id, now + timedelta(seconds=21))
    attempt(
        session, now + timedelta(seconds=22), settings, locker="L3", cmp=2, operator="colleague"
    )
    with pytest.raises(RateLimited):  # the acknowledgement gives the login no new budget
        attempt(session, now + timedelta(seconds=23), settings, locker="L2", cmp=2)


@pytest.mark.parametrize("state", [CompartmentState.OUT_OF_SERVICE, CompartmentState.JAMMED])
def test_an_unusable_compartment_is_refused_saying_why(session, fleet, now, settings, state):
    compartment = session.exec(
        select(Compartment).where(Compartment.locker_id == "A", Compartment.number == 1)
    ).one()
    compartment.state = state
    session.commit()
    with pytest.raises(Conflict) as refusal:
        attempt(session, now, settings)
    assert refusal.value.code == "compartment_" + state
    assert state.replace("_", " ") in refusal.value.message
    assert [m for m in outbox.pending(session, "A") if m.type == "open"] == []


@pytest.mark.parametrize("locker, cmp", [("NOPE", 1), ("A", 9)])
def test_an_unknown_locker_or_compartment_is_refused_and_still_recorded(
    engine, session, fleet, now, settings, locker, cmp
):
    with pytest.raises(NotFound):
        attempt(session, now, settings, locker=locker, cmp=cmp)
    session.commit()
    assert outcomes(engine) == [("locker" if locker == "NOPE" else "compartment") + "_not_found"]


def test_a_fleet_burst_raises_an_alarm_and_stops_remote_opens_until_acknowledged(
    engine, session, make_locker, now, settings
):
    settings.remote_open_burst, settings.remote_open_per_operator = 4, 100
    for n in range(5):
        make_locker(f"L{n}", sizes="S")
    for n in range(4):
        attempt(session, now, settings, locker=f"L{n}", operator=f"op{n}")
    with pytest.raises(Conflict) as refusal:
        attempt(session, now, settings, locker="L4")
    assert refusal.value.code == "remote_open_burst"
    [alarm] = session.exec(select(Alarm)).all()
    assert alarm.kind == "door_release_burst" and alarm.acknowledged_at is None
    session.commit()
    later = now + timedelta(hours=2)  # long after the burst: still stopped, nobody has looked
    with pytest.raises(Conflict) as refusal:
        attempt(session, later, settings, locker="L4")
    assert refusal.value.code == "remote_open_suspended"
    session.commit()
    alarms.acknowledge(session, alarm.id, later)
    session.commit()
    attempt(session, later, settings, locker="L4")
    session.commit()
    assert outcomes(engine)[-3:] == ["remote_open_burst", "remote_open_suspended", "queued"]
    assert audit.verify(session).intact


def test_opens_before_an_acknowledged_burst_do_not_count_again(session, make_locker, now, settings):
    settings.remote_open_burst, settings.remote_open_per_operator = 2, 100
    for n in range(4):
        make_locker(f"L{n}", sizes="S")
    attempt(session, now, settings, locker="L0")
    attempt(session, now, settings, locker="L1")
    with pytest.raises(Conflict):
        attempt(session, now, settings, locker="L2")
    [alarm] = session.exec(select(Alarm)).all()
    alarms.acknowledge(session, alarm.id, now + timedelta(seconds=1))
    session.commit()
    attempt(session, now + timedelta(seconds=2), settings, locker="L2")
