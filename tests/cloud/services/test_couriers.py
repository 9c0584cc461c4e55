import json
import random

import pytest
from sqlmodel import select

from cloud.models import Courier
from cloud.services import audit, courier_codes, courier_routes, couriers, outbox
from cloud.services.errors import Conflict
from protocol.verifiers import courier_verifier
from protocol.wire import COURIER_CODE_MIN
from tests.support.couriers import registered
from tests.support.scripted_random import ScriptedRandom

BOB, EVE = "1111111111", "2222222222"


def courier_lists(session, locker_id):
    return [
        json.loads(m.body)["v"] for m in outbox.pending(session, locker_id) if m.type == "couriers"
    ]


def route(session, courier, now, settings, *locker_ids):
    courier_routes.set_route(
        session,
        courier.id,
        now.date(),
        list(locker_ids),
        now,
        actor="operator:test",
        settings=settings,
    )


def test_registering_draws_a_code_keeps_no_clear_copy_and_tells_no_locker_before_a_route(
    session, make_locker, now, settings
):
    make_locker("L1")
    courier, code = courier_codes.register_courier(
        session, "Bob", now, actor="operator:ops", settings=settings
    )
    assert code.isdigit() and len(code) == COURIER_CODE_MIN
    assert courier.active and not courier.needs_new_code
    assert code not in courier.code_hash + courier.code_sealed
    assert courier_lists(session, "L1") == []
    [entry] = audit.recent(session, action="courier_registered")
    assert (entry.actor, entry.subject) == ("operator:ops", f"courier:{courier.id}")
    assert code not in entry.detail


def test_each_draw_comes_from_the_random_source_passed_in(session, now, settings):
    _, first = courier_codes.register_courier(
        session, "Bob", now, actor="t", settings=settings, rng=random.Random(7)
    )
    _, again = courier_codes.register_courier(
        session, "Eve", now, actor="t", settings=settings, rng=random.Random(8)
    )
    seven = random.Random(7)
    assert first != again and first == "".join(seven.choice("0123456789") for _ in range(10))


def test_each_update_carries_every_active_courier_routed_there_today(
    session, make_locker, now, settings
):
    locker, _ = make_locker()
    bob = registered(session, "Bob", now, settings, BOB)
    eve = registered(session, "Eve", now, settings, EVE)
    route(session, bob, now, settings, "L1")
    route(session, eve, now, settings, "L1")
    key = bytes.fromhex(locker.device_key)
    # registered in the same instant: their order is the uuids', and the board doesn't care
    assert sorted(courier_lists(session, "L1")[-1]) == sorted(
        [courier_verifier(key, BOB), courier_verifier(key, EVE)]
    )


def test_a_locker_provisioned_later_gets_no_courier_list_until_a_route_names_it(
    session, make_locker, now, settings
):
    bob = registered(session, "Bob", now, settings, BOB)
    locker, _ = make_locker("LATE")
    assert courier_lists(session, "LATE") == []
    route(session, bob, now, settings, "LATE")
    assert courier_lists(session, "LATE") == [
        [courier_verifier(bytes.fromhex(locker.device_key), BOB)]
    ]


def test_without_couriers_a_new_locker_gets_no_courier_list(session, make_locker):
    make_locker()
    assert courier_lists(session, "L1") == []


def test_a_code_any_courier_ever_had_is_drawn_again(session, now, settings):
    bob = registered(session, "Bob", now, settings, BOB)
    courier_routes.revoke_courier(session, bob.id, now, actor="t", settings=settings)
    _, code = courier_codes.register_courier(
        session, "Eve", now, actor="t", settings=settings, rng=ScriptedRandom(BOB + EVE)
    )
    assert code == EVE


def test_a_source_that_only_repeats_taken_codes_is_a_clear_refusal(session, now, settings):
    registered(session, "Bob", now, settings, BOB)
    with pytest.raises(Conflict) as refusal:
        courier_codes.register_courier(
            session,
            "Eve",
            now,
            actor="t",
            settings=settings,
            rng=ScriptedRandom(BOB * courier_codes.MAX_DRAWS),
        )
    assert refusal.value.code == "courier_codes_exhausted"
    assert len(session.exec(select(Courier)).all()) == 1


def test_a_courier_waiting_for_a_new_code_is_on_no_list(session, make_locker, now, settings):
    locker, _ = make_locker()
    bob, eve = (
        registered(session, "Bob", now, settings, BOB),
        registered(session, "Eve", now, settings, EVE),
    )
    route(session, bob, now, settings, "L1")
    route(session, eve, now, settings, "L1")
    bob.needs_new_code = True  # what migration 0013 does to a code chosen by a person
    assert couriers.routed_couriers(session, "L1", now.date()) == [eve]
    assert courier_codes.live_codes(session) == 1
