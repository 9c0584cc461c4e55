"""The board-side credential store."""
from firmware.core.credentials import Credentials

V1, V2 = "a" * 32, "b" * 32


def test_a_pickup_is_live_until_its_until():
    store = Credentials()
    store.add_pickup(V1, "P1", 3, 1000)
    assert store.pickup(V1, 1000) == ("P1", 3)
    assert store.pickup(V1, 1001) is None
    assert store.pickup(V2, 0) is None


def test_a_new_credential_for_a_parcel_replaces_the_old_one():
    store = Credentials()
    store.add_pickup(V1, "P1", 3, 1000)
    store.add_pickup(V2, "P1", 3, 1000)
    assert store.pickup(V1, 0) is None
    assert store.pickup(V2, 0) == ("P1", 3)


def test_revoke_forgets_reservation_and_pickup_and_names_the_reserved_compartment():
    store = Credentials()
    store.reserve("P1", 2)
    store.add_pickup(V1, "P1", 2, 1000)
    assert store.revoke("P1") == 2
    assert (store.reservation("P1"), store.has_pickup("P1"), store.is_reserved(2)) == (
        None, False, False)
    assert store.revoke("P1") is None


def test_couriers_are_replaced_not_merged():
    store = Credentials()
    store.set_couriers([V1])
    store.set_couriers([V2])
    assert (store.is_courier(V1), store.is_courier(V2)) == (False, True)
