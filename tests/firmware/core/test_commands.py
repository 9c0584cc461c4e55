"""Commands from the cloud: applied when authentic, fresh and addressed to us; else nothing."""

import json
from binascii import hexlify

import pytest

from firmware.core.actions import Pulse, Show
from firmware.core.events import DoorClosed, DoorOpened, MessageReceived
from protocol import verifiers, wire
from protocol.hmac256 import hmac_sha256
from tests.firmware.core.builders import (
    COMMANDS,
    COURIER_CODE,
    KEY,
    LATER,
    LOCKER,
    NOW,
    OTHER_KEY,
    PIN,
    Cloud,
    controller,
    message,
    pin_credential,
    run,
    state,
    type_keys,
    with_deposits,
)


def test_an_accepted_command_raises_the_counter():
    ctl, cloud = controller(), Cloud()
    ctl.handle(cloud.command("reserve", parcel="777", cmp=1), NOW)
    assert ctl.last_counter == 1


def test_reserve_stores_the_reservation_and_reserves_a_free_compartment():
    ctl, cloud = controller(), Cloud()
    assert ctl.handle(cloud.command("reserve", parcel="777", cmp=1), NOW) == []
    assert ctl.has_reservation("777")
    assert ctl.compartment(1).state == "reserved"


def test_credential_stores_a_verifier_that_the_pin_matches():
    ctl, cloud = controller(), Cloud()
    assert ctl.handle(pin_credential(cloud, "PKG-1", 3), NOW) == []
    assert ctl.has_credential_for("PKG-1")
    assert Pulse(3, 300) in type_keys(ctl, PIN + "#")


def test_revoke_drops_a_reservation_and_frees_its_compartment():
    ctl, cloud = controller(), Cloud()
    ctl.handle(cloud.command("reserve", parcel="777", cmp=1), NOW)
    assert ctl.handle(cloud.command("revoke", parcel="777"), NOW) == []
    assert not ctl.has_reservation("777")
    assert ctl.compartment(1).state == "free"


def test_revoke_keeps_a_compartment_reserved_for_another_parcel():
    ctl, cloud = controller(), Cloud()
    run(
        ctl,
        [
            cloud.command("reserve", parcel="777", cmp=1),
            cloud.command("reserve", parcel="888", cmp=1),
            cloud.command("revoke", parcel="777"),
        ],
    )
    assert ctl.compartment(1).state == "reserved"


def test_revoke_drops_a_credential_but_the_parcel_stays_where_it_is():
    ctl, cloud = controller(), Cloud()
    run(ctl, [pin_credential(cloud, "PKG-1", 3), cloud.command("revoke", parcel="PKG-1")])
    assert not ctl.has_credential_for("PKG-1")
    assert (ctl.compartment(3).state, ctl.compartment(3).parcel) == ("occupied", "PKG-1")
    assert type_keys(ctl, PIN + "#")[-2:][0] == Show("Wrong code")


def test_couriers_replaces_the_courier_list():
    ctl, cloud = controller(), Cloud()
    new = [verifiers.courier_verifier(KEY, "1111111111")]
    run(
        ctl,
        [
            cloud.command("couriers", v=[verifiers.courier_verifier(KEY, COURIER_CODE)]),
            cloud.command("couriers", v=new),
        ],
    )
    assert type_keys(ctl, COURIER_CODE + "#")[-2] == Show("Wrong code")
    assert not ctl.courier_session_active()
    type_keys(ctl, "1111111111#")
    assert ctl.courier_session_active()


def test_open_pulses_the_door_and_it_returns_to_its_state_when_shut():
    ctl, cloud = controller(), Cloud()
    ctl.handle(pin_credential(cloud, "PKG-1", 3), NOW)
    assert ctl.handle(cloud.command("open", cmp=3), NOW) == [Pulse(3, 300), Show("Door 3 open")]
    assert ctl.compartment(3).state == "open"
    assert run(ctl, [DoorOpened(3), DoorClosed(3)]) == []
    assert (ctl.compartment(3).state, ctl.compartment(3).parcel) == ("occupied", "PKG-1")
    assert ctl.pending_events() == []


def test_open_of_a_reserved_compartment_leaves_it_reserved():
    ctl, cloud = controller(), Cloud()
    run(
        ctl,
        [
            cloud.command("reserve", parcel="777", cmp=2),
            cloud.command("open", cmp=2),
            DoorOpened(2),
            DoorClosed(2),
        ],
    )
    assert ctl.compartment(2).state == "reserved"


def test_open_of_a_door_already_open_is_refused():
    ctl, cloud = controller(), Cloud()
    ctl.handle(cloud.command("open", cmp=2), NOW)
    before = state(ctl)
    assert ctl.handle(cloud.command("open", cmp=2), NOW) == []
    assert state(ctl) == before


def test_ack_trims_the_journal():
    ctl, cloud = with_deposits(["101", "102", "103"])
    assert [b["seq"] for b in ctl.pending_events()] == [1, 2, 3]
    assert ctl.handle(cloud.command("ack", seqs=[1, 3, 99]), NOW) == []
    assert [b["seq"] for b in ctl.pending_events()] == [2]


@pytest.mark.parametrize(
    "cmp_command",
    [
        ("reserve", {"parcel": "777", "cmp": 4}),
        ("credential", {"parcel": "777", "cmp": 4, "v": "0" * 32, "until": LATER}),
        ("open", {"cmp": 999}),
    ],
)
def test_a_command_for_a_compartment_the_board_does_not_have_is_refused(cmp_command):
    ctl, cloud = controller(), Cloud()
    before = state(ctl, parcels=("777",))
    type_, fields = cmp_command
    assert ctl.handle(cloud.command(type_, **fields), NOW) == []
    assert state(ctl, parcels=("777",)) == before


# --- refusals: each leaves the board exactly as it was -------------------------------------


def reserve_body(ctr=5, lkr=LOCKER, exp=LATER):
    return {"lkr": lkr, "ctr": ctr, "exp": exp, "type": "reserve", "parcel": "777", "cmp": 1}


def armed():
    """A controller that accepted ctr 5 (reserve 777 -> 1) and then had it revoked."""
    ctl = controller()
    ctl.handle(message(KEY, reserve_body(ctr=4)), NOW)
    ctl.handle(
        message(KEY, {"lkr": LOCKER, "ctr": 5, "exp": LATER, "type": "revoke", "parcel": "777"}),
        NOW,
    )
    return ctl


def assert_refused(ctl, event, now=NOW):
    before = state(ctl, parcels=("777",))
    assert ctl.handle(event, now) == []
    assert state(ctl, parcels=("777",)) == before


def assert_refused_and_reported(ctl, event, ctr, reason):
    """Nothing changes but the journal: one `refused` event naming the command's counter."""
    before = state(ctl, parcels=("777",))
    ctl.handle(event, NOW)
    after = state(ctl, parcels=("777",))
    assert [(b["type"], b["ctr"], b["reason"]) for b in after.pop("pending")] == [
        ("refused", ctr, reason)
    ]
    before.pop("pending")
    assert after == before


def test_a_replayed_command_is_refused():
    ctl = armed()
    assert_refused_and_reported(ctl, message(KEY, reserve_body(ctr=4)), 4, "replayed")


def test_the_same_counter_again_is_refused():
    ctl = armed()
    assert_refused_and_reported(ctl, message(KEY, reserve_body(ctr=5)), 5, "replayed")


def test_an_older_counter_is_refused():
    ctl = armed()
    assert_refused_and_reported(ctl, message(KEY, reserve_body(ctr=1)), 1, "replayed")


def test_an_expired_command_is_refused():
    ctl = armed()
    assert_refused_and_reported(ctl, message(KEY, reserve_body(ctr=6, exp=NOW - 1)), 6, "expired")


def test_a_command_is_accepted_up_to_its_expiry():
    ctl = armed()
    ctl.handle(message(KEY, reserve_body(ctr=6, exp=NOW)), NOW)
    assert ctl.has_reservation("777")


def test_a_command_for_another_locker_is_refused():
    ctl = armed()
    assert_refused(ctl, message(KEY, reserve_body(ctr=6, lkr="L2")))


def test_a_command_signed_with_another_key_is_refused():
    ctl = armed()
    assert_refused(ctl, message(OTHER_KEY, reserve_body(ctr=6)))


def test_an_altered_body_is_refused():
    ctl = armed()
    payload = wire.sign(KEY, reserve_body(ctr=6)).replace(b'"cmp": 1', b'"cmp": 2')
    assert_refused(ctl, MessageReceived(COMMANDS, payload))


def test_a_command_on_another_topic_is_ignored():
    ctl = armed()
    assert_refused(
        ctl, MessageReceived(wire.topic("L2", "commands"), wire.sign(KEY, reserve_body(ctr=6)))
    )


@pytest.mark.parametrize(
    "body",
    [
        {"lkr": LOCKER, "ctr": 6, "exp": LATER, "type": "reserve", "parcel": "777"},
        {"lkr": LOCKER, "ctr": 6, "exp": LATER, "type": "reserve", "parcel": 7, "cmp": 1},
        {"lkr": LOCKER, "ctr": "6", "exp": LATER, "type": "reserve", "parcel": "777", "cmp": 1},
        {"lkr": LOCKER, "ctr": True, "exp": LATER, "type": "ack", "seqs": [1]},
        {"lkr": LOCKER, "ctr": 6, "exp": 1.5e12, "type": "open", "cmp": 1},
        {"lkr": LOCKER, "ctr": 6, "exp": LATER, "type": "open", "cmp": 0},
        {"lkr": LOCKER, "ctr": 6, "exp": LATER, "type": "ack", "seqs": []},
        {
            "lkr": LOCKER,
            "ctr": 6,
            "exp": LATER,
            "type": "credential",
            "parcel": "777",
            "cmp": 1,
            "v": "XYZ",
            "until": LATER,
        },
        {"lkr": LOCKER, "ctr": 6, "exp": LATER, "type": "couriers", "v": "0" * 32},
        {"lkr": LOCKER, "ctr": 6, "exp": LATER, "type": "selfdestruct"},
        {"ctr": 6, "exp": LATER, "type": "open", "cmp": 1},
    ],
)
def test_a_signed_command_of_the_wrong_shape_is_refused(body):
    assert_refused(armed(), message(KEY, body))


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b" ",
        b"garbage",
        b"0" * 64 + b" {}",
        b"0" * 64 + b"{}",
        bytes(5000),
        "a str, not bytes",
        None,
        42,
        wire.sign(KEY, {"a": 1})[:-1],
        wire.sign(KEY, [1, 2])[:64] + b" [1, 2]",
    ],
)
def test_garbage_payloads_are_refused(payload):
    assert_refused(armed(), MessageReceived(COMMANDS, payload))


def test_a_signed_non_object_body_is_refused():
    raw = json.dumps([1, 2]).encode()
    assert_refused(armed(), MessageReceived(COMMANDS, hexlify(hmac_sha256(KEY, raw)) + b" " + raw))
