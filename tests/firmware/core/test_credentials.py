"""The board-side credential store."""

from firmware.core.credentials import Credentials
from firmware.core.pickups import parcel_tag

V1, V2 = "a" * 32, "b" * 32


def test_a_pickup_is_live_until_its_until():
    store = Credentials()
    store.add_pickup(V1, "P1", 3, 5000)
    assert store.pickup(V1, 5000) == (3, parcel_tag("P1"))
    assert store.pickup(V1, 5001) is None
    assert store.pickup(V2, 0) is None


def test_a_new_credential_for_a_parcel_replaces_the_old_one():
    store = Credentials()
    store.add_pickup(V1, "P1", 3, 1000)
    store.add_pickup(V2, "P1", 3, 1000)
    assert store.pickup(V1, 0) is None
    assert store.pickup(V2, 0) == (3, parcel_tag("P1"))


def test_revoke_forgets_reservation_and_pickup_and_names_the_reserved_compartment():
    store = Credentials()
    store.reserve("P1", 2)
    store.add_pickup(V1, "P1", 2, 1000)
    assert store.revoke("P1") == 2
    assert (store.reservation("P1"), store.has_pickup("P1"), store.is_reserved(2)) == (
        None,
        False,
        False,
    )
    assert store.revoke("P1") is None


def test_couriers_are_replaced_not_merged():
    store = Credentials()
    store.set_couriers([V1])
    store.set_couriers([V2])
    assert (store.is_courier(V1), store.is_courier(V2)) == (False, True)


def test_five_hundred_credentials_each_found_by_its_verifier_and_dropped_by_parcel():
    store = Credentials()
    verifiers = ["%032x" % (i * 7919 + 1) for i in range(500)]
    for i, v in enumerate(verifiers):
        store.add_pickup(v, "P%d" % i, i % 24 + 1, 10_000_000)
    assert all(
        store.pickup(v, 0) == (i % 24 + 1, parcel_tag("P%d" % i)) for i, v in enumerate(verifiers)
    )
    store.drop_pickup("P7")
    assert (
        store.pickup(verifiers[7], 0) is None
        and not store.has_pickup("P7")
        and store.has_pickup("P8")
    )


def test_verifiers_sharing_their_first_bytes_are_told_apart():
    store = Credentials()
    twin = V1[:8] + "f" * 24  # same first 32 bits, different verifier
    store.add_pickup(V1, "P1", 1, 10_000)
    store.add_pickup(twin, "P2", 2, 10_000)
    assert store.pickup(twin, 0) == (2, parcel_tag("P2")) and store.pickup(V1, 0) == (
        1,
        parcel_tag("P1"),
    )
    store.drop_pickup("P1")
    assert store.pickup(V1, 0) is None and store.pickup(twin, 0) == (2, parcel_tag("P2"))


def test_the_packed_store_round_trips_through_a_snapshot():
    store = Credentials()
    for i in range(30):
        store.add_pickup("%032x" % (i + 1), "P%d" % i, i % 5 + 1, 2_000_000_000_000)
    store.drop_pickup("P2")  # verifier 3: a free slot in the middle
    again = Credentials()
    again.load(store.dump())
    assert again.dump() == store.dump() and again.pickup("%032x" % 3, 0) is None


def test_a_parcels_live_verifiers_for_its_compartment_are_what_a_qr_code_may_be_bound_to():
    store = Credentials()
    store.add_pickup(V1, "P1", 3, 5000)
    store.add_pickup(V2, "P1", 3, 9000, keep=1)  # a delegate's, next to the recipient's
    store.add_pickup("c" * 32, "P2", 3, 9000)
    assert sorted(store.pickup_verifiers("P1", 3, 5000)) == [V1, V2]
    assert store.pickup_verifiers("P1", 3, 5001) == [V2]  # V1 expired
    assert store.pickup_verifiers("P1", 4, 0) == []  # not for another compartment
    store.drop_pickup("P1")
    assert store.pickup_verifiers("P1", 3, 0) == [] and store.pickup_verifiers("P2", 3, 0) == [
        "c" * 32
    ]
