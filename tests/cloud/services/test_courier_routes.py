"""Courier codes reach only the lockers on the courier's route for the day, and can be revoked."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from cloud.core import security
from cloud.models import AuditEntry, CourierRouteStop
from cloud.services import audit, courier_routes, couriers, outbox
from cloud.services.errors import Conflict, Invalid, NotFound
from protocol.verifiers import courier_verifier
from tests.support.couriers import registered
from tests.support.scripted_random import ScriptedRandom

ACTOR = "operator:ops"
BOB, EVE = "4711471147", "2222222222"


def lists(session, locker_id):
    """The bodies of the `couriers` commands queued for the locker, oldest first."""
    return [json.loads(m.body) for m in outbox.pending(session, locker_id) if m.type == "couriers"]


def verifier(locker, code):
    return courier_verifier(bytes.fromhex(locker.device_key), code)


@pytest.fixture
def fleet(make_locker):
    return {locker_id: make_locker(locker_id)[0] for locker_id in ("A", "B", "C")}


@pytest.fixture
def bob(session, now, settings):
    return registered(session, "Bob", now, settings, BOB)


def set_route(session, courier, day, locker_ids, now, settings):
    return courier_routes.set_route(
        session, courier.id, day, locker_ids, now, actor=ACTOR, settings=settings
    )


def test_todays_route_sends_the_code_to_its_lockers_only_valid_until_midnight(
    session, fleet, bob, now, settings
):
    assert set_route(session, bob, now.date(), ["B", "A", "A"], now, settings) == ["A", "B"]
    until = couriers.day_end_ms(now.date())
    assert lists(session, "A") == [{"v": [verifier(fleet["A"], BOB)], "until": until}]
    assert lists(session, "B") == [{"v": [verifier(fleet["B"], BOB)], "until": until}]
    assert lists(session, "C") == []
    assert courier_routes.route_of(session, bob.id, now.date()) == ["A", "B"]


def test_changing_todays_route_updates_the_lockers_gained_and_lost_only(
    session, fleet, bob, now, settings
):
    set_route(session, bob, now.date(), ["A", "B"], now, settings)
    set_route(session, bob, now.date(), ["B", "C"], now, settings)
    assert [body["v"] for body in lists(session, "A")] == [[verifier(fleet["A"], BOB)], []]
    assert len(lists(session, "B")) == 1  # it keeps the courier: nothing to tell it
    assert [body["v"] for body in lists(session, "C")] == [[verifier(fleet["C"], BOB)]]


def test_a_route_for_tomorrow_sends_nothing_today_and_the_rollover_sends_it(
    session, fleet, bob, now, settings
):
    tomorrow = now.date() + timedelta(days=1)
    set_route(session, bob, tomorrow, ["A"], now, settings)
    assert lists(session, "A") == []
    assert courier_routes.refresh_courier_lists(session, now, settings) == 0
    after_midnight = now + timedelta(days=1)
    assert courier_routes.refresh_courier_lists(session, after_midnight, settings) == 1
    assert lists(session, "A") == [
        {"v": [verifier(fleet["A"], BOB)], "until": couriers.day_end_ms(tomorrow)}
    ]
    assert (
        courier_routes.refresh_courier_lists(
            session, after_midnight + timedelta(minutes=1), settings
        )
        == 0
    )


def test_the_rollover_sends_a_new_until_even_for_the_same_couriers_and_clears_yesterdays(
    session, fleet, bob, now, settings
):
    set_route(session, bob, now.date(), ["A", "B"], now, settings)
    set_route(session, bob, now.date() + timedelta(days=1), ["A"], now, settings)
    tomorrow = now + timedelta(days=1)
    assert courier_routes.refresh_courier_lists(session, tomorrow, settings) == 2  # A and B, not C
    assert lists(session, "A")[-1] == {
        "v": [verifier(fleet["A"], BOB)],
        "until": couriers.day_end_ms(tomorrow.date()),
    }
    assert lists(session, "B")[-1] == {"v": [], "until": couriers.day_end_ms(tomorrow.date())}
    assert lists(session, "C") == []
    day_after = now + timedelta(days=2)  # A's list runs out; B's and C's were empty already
    assert courier_routes.refresh_courier_lists(session, day_after, settings) == 1


def test_revoking_sends_every_locker_of_the_day_a_list_without_the_courier_and_is_audited(
    session, fleet, bob, now, settings
):
    eve = registered(session, "Eve", now, settings, EVE)
    set_route(session, bob, now.date(), ["A", "B"], now, settings)
    set_route(session, eve, now.date(), ["A"], now, settings)
    courier_routes.revoke_courier(session, bob.id, now, actor=ACTOR, settings=settings)
    assert not bob.active
    assert lists(session, "A")[-1]["v"] == [verifier(fleet["A"], EVE)]
    assert lists(session, "B")[-1]["v"] == []
    [entry] = audit.recent(session, action="courier_revoked")
    assert (entry.actor, entry.subject) == (ACTOR, f"courier:{bob.id}")
    assert audit.verify(session).intact
    with pytest.raises(Conflict):  # a revoked courier gets no new route
        set_route(session, bob, now.date(), ["C"], now, settings)


def test_a_revoked_courier_is_left_out_of_the_rollover(session, fleet, bob, now, settings):
    set_route(session, bob, now.date() + timedelta(days=1), ["A"], now, settings)
    courier_routes.revoke_courier(session, bob.id, now, actor=ACTOR, settings=settings)
    courier_routes.refresh_courier_lists(session, now + timedelta(days=1), settings)
    assert lists(session, "A") == []


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda s, c, n: (c.id, n.date(), ["A", "NOPE"]), NotFound),
        (lambda s, c, n: (c.id, n.date() - timedelta(days=1), ["A"]), Invalid),
        (lambda s, c, n: (c.id.__class__(int=0), n.date(), ["A"]), NotFound),
    ],
)
def test_a_bad_route_is_refused_and_changes_nothing(
    session, fleet, bob, now, settings, change, error
):
    set_route(session, bob, now.date(), ["B"], now, settings)
    before = (
        session.exec(select(CourierRouteStop)).all(),
        outbox.pending(session, "A"),
        len(session.exec(select(AuditEntry)).all()),
    )
    courier_id, day, locker_ids = change(session, bob, now)
    with pytest.raises(error):
        courier_routes.set_route(
            session, courier_id, day, locker_ids, now, actor=ACTOR, settings=settings
        )
    after = (
        session.exec(select(CourierRouteStop)).all(),
        outbox.pending(session, "A"),
        len(session.exec(select(AuditEntry)).all()),
    )
    assert after == before


def test_a_new_code_replaces_the_old_on_todays_lockers_at_once_and_is_audited(
    session, fleet, bob, now, settings
):
    set_route(session, bob, now.date(), ["A", "B"], now, settings)
    courier, code = courier_routes.rotate_code(
        session, bob.id, now, actor=ACTOR, settings=settings, rng=ScriptedRandom(EVE)
    )
    assert code == EVE and courier.code_hash == security.courier_code_hash(settings.pepper, EVE)
    until = couriers.day_end_ms(now.date())
    assert lists(session, "A")[-1] == {"v": [verifier(fleet["A"], EVE)], "until": until}
    assert lists(session, "B")[-1] == {"v": [verifier(fleet["B"], EVE)], "until": until}
    assert lists(session, "C") == []
    [entry] = audit.recent(session, action="courier_code_issued")
    assert (entry.actor, entry.subject) == (ACTOR, f"courier:{bob.id}") and EVE not in entry.detail


def test_a_courier_with_a_chosen_code_gets_no_route_until_given_a_drawn_one(
    session, fleet, bob, now, settings
):
    set_route(session, bob, now.date() + timedelta(days=1), ["A"], now, settings)
    bob.needs_new_code = True  # registered before the cloud drew codes (migration 0013)
    with pytest.raises(Conflict) as refusal:
        set_route(session, bob, now.date(), ["A"], now, settings)
    assert refusal.value.code == "courier_needs_new_code"
    assert courier_routes.refresh_courier_lists(session, now + timedelta(days=1), settings) == 0
    courier_routes.rotate_code(
        session, bob.id, now, actor=ACTOR, settings=settings, rng=ScriptedRandom(EVE)
    )
    assert not bob.needs_new_code
    assert courier_routes.refresh_courier_lists(session, now + timedelta(days=1), settings) == 1
    assert lists(session, "A")[-1]["v"] == [verifier(fleet["A"], EVE)]


def test_a_revoked_courier_gets_no_new_code(session, fleet, bob, now, settings):
    courier_routes.revoke_courier(session, bob.id, now, actor=ACTOR, settings=settings)
    with pytest.raises(Conflict) as refusal:
        courier_routes.rotate_code(session, bob.id, now, actor=ACTOR, settings=settings)
    assert refusal.value.code == "courier_revoked"
