import json

import pytest
from sqlmodel import select

from cloud.models import Courier
from cloud.services import courier_routes, couriers, outbox
from cloud.services.errors import Conflict, Invalid
from firmware.core.verifiers import courier_verifier


def courier_lists(session, locker_id):
    return [json.loads(m.body)["v"] for m in outbox.pending(session, locker_id) if m.type == "couriers"]


def route(session, courier, now, settings, *locker_ids):
    courier_routes.set_route(session, courier.id, now.date(), list(locker_ids), now,
                             actor="operator:test", settings=settings)


def test_registering_keeps_no_clear_code_and_tells_no_locker_before_a_route(session, make_locker, now, settings):
    make_locker("L1")
    courier = couriers.register_courier(session, "Bob", "482913", now, settings=settings)
    assert courier.active and "482913" not in courier.code_hash + courier.code_sealed
    assert courier_lists(session, "L1") == []


def test_each_update_carries_every_active_courier_routed_there_today(session, make_locker, now, settings):
    locker, _ = make_locker()
    bob = couriers.register_courier(session, "Bob", "1111", now, settings=settings)
    eve = couriers.register_courier(session, "Eve", "2222", now, settings=settings)
    route(session, bob, now, settings, "L1")
    route(session, eve, now, settings, "L1")
    key = bytes.fromhex(locker.device_key)
    # registered in the same instant: their order is the uuids', and the board doesn't care
    assert sorted(courier_lists(session, "L1")[-1]) == sorted([courier_verifier(key, "1111"),
                                                              courier_verifier(key, "2222")])


def test_a_locker_provisioned_later_gets_no_courier_list_until_a_route_names_it(session, make_locker, now, settings):
    bob = couriers.register_courier(session, "Bob", "1111", now, settings=settings)
    locker, _ = make_locker("LATE")
    assert courier_lists(session, "LATE") == []
    route(session, bob, now, settings, "LATE")
    assert courier_lists(session, "LATE") == [[courier_verifier(bytes.fromhex(locker.device_key), "1111")]]


def test_without_couriers_a_new_locker_gets_no_courier_list(session, make_locker):
    make_locker()
    assert courier_lists(session, "L1") == []


def test_a_code_already_in_use_is_refused(session, now, settings):
    couriers.register_courier(session, "Bob", "1111", now, settings=settings)
    with pytest.raises(Conflict) as refusal:
        couriers.register_courier(session, "Eve", "1111", now, settings=settings)
    assert refusal.value.code == "duplicate_courier_code"
    assert len(session.exec(select(Courier)).all()) == 1


@pytest.mark.parametrize("code", ["123", "1234567890123", "12a4", ""])
def test_a_code_of_other_than_4_to_12_digits_is_refused(session, now, settings, code):
    with pytest.raises(Invalid):
        couriers.register_courier(session, "Bob", code, now, settings=settings)
