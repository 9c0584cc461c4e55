"""A delegate's PIN (`keep`) sits next to the recipient's: either opens, a re-issue replaces
both."""

from firmware.core.pickups import Pickups

A, B, C = "a" * 32, "b" * 32, "c" * 32
UNTIL = 2_000_000_000_000


def test_a_kept_verifier_joins_the_parcels_other_and_a_plain_one_replaces_them_all():
    pickups = Pickups()
    pickups.add(A, "JJD1", 3, UNTIL)
    pickups.add(B, "JJD1", 3, UNTIL, 1)  # the delegate's
    assert pickups.find(A, 0) is not None and pickups.find(B, 0) is not None
    pickups.remove(A)  # the recipient used theirs: the delegate's stays until the parcel leaves
    assert pickups.find(B, 0) is not None
    pickups.add(C, "JJD1", 3, UNTIL)  # a plain credential replaces every verifier of the parcel
    assert (pickups.find(B, 0), len(pickups.dump())) == (None, 1)
    pickups.drop("JJD1")  # a revoke kills them all
    assert pickups.dump() == []
