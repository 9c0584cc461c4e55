"""Commands the board's own events overtook (protocol.md, "Stale commands"): a resync's `reserve`
or `credential` decided before the cloud applied the board's `deposited`/`collected` of that
parcel is dropped; the counter still moves on."""

import json

from firmware.core.controller import Controller
from firmware.core.events import Connected, DoorClosed, DoorOpened
from firmware.core.settled import COLLECTED, DEPOSITED, Settled
from protocol import wire
from tests.firmware.core.builders import (
    COURIER_CODE,
    KEY,
    LAYOUT,
    LOCKER,
    NOW,
    PIN,
    Cloud,
    controller,
    couriers,
    deposit,
    event_bodies,
    pin_credential,
    run,
    type_keys,
)


def deposited(parcel="777", cmp=2):
    """A connected board on which the courier deposited `parcel` (journaled as seq 1)."""
    ctl, cloud = controller(), Cloud()
    run(
        ctl,
        [
            couriers(cloud, COURIER_CODE),
            cloud.command("reserve", parcel=parcel, cmp=cmp, asof=0),
            Connected(),
        ],
    )
    [body] = event_bodies(deposit(ctl, parcel, cmp))
    assert (body["type"], body["seq"]) == ("deposited", 1)
    type_keys(ctl, "*")  # the courier leaves
    return ctl, cloud


def collected(parcel="777", cmp=2):
    """... and then the recipient took it out again (journaled as seq 2)."""
    ctl, cloud = deposited(parcel, cmp)
    ctl.handle(pin_credential(cloud, parcel, cmp, asof=1), NOW)
    type_keys(ctl, PIN + "#")
    [body] = event_bodies(run(ctl, [DoorOpened(cmp), DoorClosed(cmp)]))
    assert (body["type"], body["seq"]) == ("collected", 2)
    return ctl, cloud


# race 1: the resync's reserve reaches the board after its deposit


def test_a_reserve_decided_before_the_deposit_was_applied_is_dropped():
    ctl, cloud = deposited()
    assert ctl.handle(cloud.command("reserve", parcel="777", cmp=2, asof=0), NOW) == []
    assert not ctl.has_reservation("777")
    assert (ctl.compartment(2).state, ctl.compartment(2).parcel) == ("occupied", "777")
    assert ctl.last_counter == cloud.ctr  # genuine, just old: its counter is used up


def test_after_the_pickup_the_compartment_is_free_not_reserved_again():
    ctl, cloud = deposited()
    ctl.handle(cloud.command("reserve", parcel="777", cmp=2, asof=0), NOW)  # the stale resync
    ctl.handle(pin_credential(cloud, "777", 2, asof=1), NOW)
    type_keys(ctl, PIN + "#")
    run(ctl, [DoorOpened(2), DoorClosed(2)])
    assert ctl.compartment(2).state == "free"


def test_a_reserve_decided_after_the_deposit_was_applied_is_carried_out():
    ctl, cloud = collected()
    # the same code announced again once the cloud knew both events: a parcel of its own
    ctl.handle(cloud.command("reserve", parcel="777", cmp=1, asof=2), NOW)
    assert ctl.has_reservation("777") and ctl.compartment(1).state == "reserved"


def test_a_credential_is_not_stale_for_a_deposit_alone():
    ctl, cloud = deposited()
    ctl.handle(pin_credential(cloud, "777", 2, asof=0), NOW)  # decided with the deposit unseen
    assert ctl.has_credential_for("777")


# race 2: the resync's credential reaches the board after the pickup


def test_a_credential_decided_before_the_pickup_was_applied_is_dropped():
    ctl, cloud = collected()
    assert ctl.handle(pin_credential(cloud, "777", 2, pin="1234", asof=1), NOW) == []
    assert not ctl.has_credential_for("777")
    assert (ctl.compartment(2).state, ctl.compartment(2).parcel) == ("free", None)
    assert ctl.last_counter == cloud.ctr
    assert "Door 2 open" not in str(type_keys(ctl, "1234#"))  # no second opening


def test_a_reserve_decided_before_the_pickup_was_applied_is_dropped():
    ctl, cloud = collected()
    ctl.handle(cloud.command("reserve", parcel="777", cmp=2, asof=1), NOW)
    assert not ctl.has_reservation("777") and ctl.compartment(2).state == "free"


def test_a_command_without_asof_is_taken_as_current():
    """An outbox written before `asof` existed: carried out as before."""
    ctl, cloud = collected()
    ctl.handle(cloud.command("reserve", parcel="777", cmp=2), NOW)
    assert ctl.has_reservation("777")


def test_a_malformed_asof_is_refused():
    ctl, cloud = deposited()
    before = ctl.last_counter
    ctl.handle(cloud.command("reserve", parcel="888", cmp=1, asof=-1), NOW)
    ctl.handle(cloud.command("reserve", parcel="888", cmp=1, asof="3"), NOW)
    assert not ctl.has_reservation("888") and ctl.last_counter == before


# memory: compact, bounded, and through a reset


def test_what_was_settled_survives_a_reset():
    ctl, cloud = collected()
    data = json.loads(json.dumps(ctl.snapshot()))  # as it goes through flash
    assert data["v"] >= 3 and len(data["settled"]) == 1
    fresh = Controller(LOCKER, KEY, LAYOUT)
    fresh.restore(data)
    fresh.handle(Connected(), NOW)
    fresh.handle(pin_credential(cloud, "777", 2, asof=1), NOW)
    assert not fresh.has_credential_for("777") and fresh.compartment(2).state == "free"


def test_a_version_2_snapshot_still_restores():
    ctl, _ = deposited()
    data = json.loads(json.dumps(ctl.snapshot()))
    data["v"] = 2
    del data["settled"]
    fresh = Controller(LOCKER, KEY, LAYOUT)
    fresh.restore(data)
    assert fresh.compartment(2).parcel == "777" and fresh.snapshot()["settled"] == []


def test_only_the_last_parcels_are_remembered_one_row_each():
    settled = Settled()
    settled.note("P0", DEPOSITED, 1)
    settled.note("P0", COLLECTED, 2)  # the later settlement replaces the earlier
    assert len(settled) == 1 and settled.is_stale("credential", "P0", 1)
    for n in range(1, Settled.remembered + 1):
        settled.note("P%d" % n, COLLECTED, 2 + n)
    assert len(settled) == Settled.remembered
    assert not settled.is_stale("credential", "P0", 0)  # forgotten: the oldest went first
    assert settled.is_stale("credential", "P1", 2)
    for tag, seq, kind in settled.dump():
        assert isinstance(tag, int) and 0 <= tag < 2**32 and kind in (DEPOSITED, COLLECTED)


def test_a_snapshots_rows_come_back_as_they_were_and_only_the_last_are_kept():
    rows = [[2**32 - 1 - n, 2**31 + n, COLLECTED if n % 2 else DEPOSITED] for n in range(40)]
    settled = Settled()
    settled.load(rows)
    assert settled.dump() == rows[-Settled.remembered :]  # 32-bit tags and seqs, packed
    again = Settled()
    again.load(settled.dump())
    assert again.dump() == settled.dump() and len(again) == Settled.remembered


def test_the_wire_codec_accepts_asof_on_reserve_and_credential():
    body = {
        "lkr": LOCKER,
        "ctr": 1,
        "exp": NOW,
        "type": "reserve",
        "parcel": "7",
        "cmp": 1,
        "asof": 0,
    }
    assert wire.check_command(body) == body
