import json

import pytest
from sqlmodel import select

from cloud.models import Courier
from cloud.services import couriers, outbox
from cloud.services.errors import Conflict, Invalid
from firmware.core.verifiers import courier_verifier


def courier_lists(session, locker_id):
    return [json.loads(m.body)["v"] for m in outbox.pending(session, locker_id) if m.type == "couriers"]


def test_registering_keeps_no_clear_code_and_updates_every_locker(session, make_locker, now, settings):
    one, _ = make_locker("L1")
    two, _ = make_locker("L2")
    courier = couriers.register_courier(session, "Bob", "482913", now, settings=settings)
    assert courier.active and "482913" not in courier.code_hash + courier.code_sealed
    for locker in (one, two):
        key = bytes.fromhex(locker.device_key)
        assert courier_lists(session, locker.id) == [[courier_verifier(key, "482913")]]


def test_each_update_carries_every_active_courier(session, make_locker, now, settings):
    locker, _ = make_locker()
    couriers.register_courier(session, "Bob", "1111", now, settings=settings)
    couriers.register_courier(session, "Eve", "2222", now, settings=settings)
    key = bytes.fromhex(locker.device_key)
    assert courier_lists(session, "L1")[-1] == [courier_verifier(key, "1111"), courier_verifier(key, "2222")]


def test_a_locker_provisioned_later_gets_the_couriers_registered_before(session, make_locker, now, settings):
    couriers.register_courier(session, "Bob", "1111", now, settings=settings)
    locker, _ = make_locker("LATE")
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
