"""Commands to a board (remote open, reservations, credentials, courier lists): a replayed, old,
expired or altered command, or one signed with another board's key or addressed to another
board, is refused on the board and changes nothing (DESIGN.md invariant 3). hypothesis makes the
tampered and replayed commands; the last test does it over a real broker, end to end."""

import json

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.core.actions import PULSE, Pulse
from firmware.core.events import DoorClosed, DoorOpened, MessageReceived
from protocol import wire
from tests.firmware.core.builders import COMMANDS, KEY, LATER, LOCKER, NOW, Cloud, controller, state
from tests.security import e2e_steps
from tests.support.spy import MqttSpy

DOORS = (1, 2, 3)


def pulses(actions):
    return [a for a in actions if a[0] == PULSE]


def observable(ctl):
    """What a refusal must leave as it was: everything but the journal, where a refusal for
    counter or expiry is reported (firmware/core/refusals.py)."""
    return {k: v for k, v in state(ctl).items() if k != "pending"}


def refused(ctl, payload, now=NOW):
    """Hand `payload` to the board; assert it opened nothing and changed nothing."""
    before = observable(ctl)
    assert pulses(ctl.handle(MessageReceived(COMMANDS, payload), now)) == []
    assert observable(ctl) == before


def opened_by(ctl, payload, door):
    actions = ctl.handle(MessageReceived(COMMANDS, payload), NOW)
    ctl.handle(DoorOpened(door), NOW)
    ctl.handle(DoorClosed(door), NOW)
    return pulses(actions) == [Pulse(door, 300)]


def open_command(cloud, door=2, **fields):
    return wire.sign(cloud.key, cloud.body("open", cmp=door, **fields))


@st.composite
def altered(draw, payload):
    """`payload` with its MAC or its body changed: bytes flipped, cut short or added to."""
    mac, body = payload[: wire.MAC_HEX], payload[wire.MAC_HEX + 1 :]
    how = draw(st.sampled_from(["flip", "cut", "append", "other_mac"]))
    if how == "flip":
        at = draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1 :]
    elif how == "cut":
        body = body[: draw(st.integers(0, len(body) - 1))]
    elif how == "append":
        body = body + draw(st.binary(min_size=1, max_size=20))
    else:
        other = draw(st.binary(min_size=32, max_size=32)).hex().encode()
        mac = other if other.lower() != mac.lower() else mac[::-1]
    return mac + b" " + body


@given(st.data())
def test_an_altered_command_is_refused_and_the_genuine_one_still_opens(data):
    ctl, cloud = controller(), Cloud()
    genuine = open_command(cloud)
    tampered = data.draw(altered(genuine))
    if (
        tampered[wire.MAC_HEX + 1 :] == genuine[wire.MAC_HEX + 1 :]
        and tampered[: wire.MAC_HEX].lower() == genuine[: wire.MAC_HEX].lower()
    ):
        return  # hex case only: the same MAC, not an alteration
    refused(ctl, tampered)
    assert state(ctl)["pending"] == []  # not even reported: it may not come from the cloud
    assert opened_by(ctl, genuine, 2)


@given(st.binary(min_size=32, max_size=32).filter(lambda key: key != KEY), st.sampled_from(DOORS))
def test_a_command_signed_with_another_boards_key_is_refused(other_key, door):
    ctl = controller()
    refused(ctl, open_command(Cloud(key=other_key), door))
    assert state(ctl)["pending"] == []


@given(st.text(min_size=1, max_size=32).filter(lambda lkr: lkr != LOCKER), st.sampled_from(DOORS))
def test_a_command_for_another_board_is_refused_even_with_this_boards_key(other, door):
    refused(controller(), open_command(Cloud(locker=other), door))


@given(st.lists(st.sampled_from(DOORS), min_size=1, max_size=6), st.data())
def test_every_open_command_opens_once_and_a_replay_of_any_of_them_is_refused(doors, data):
    ctl, cloud = controller(), Cloud()
    sent = [open_command(cloud, door) for door in doors]
    assert all(opened_by(ctl, payload, door) for payload, door in zip(sent, doors))
    replayed = data.draw(st.sampled_from(sent))
    refused(ctl, replayed)
    assert _last_refusal(ctl) == (
        "refused",
        json.loads(replayed[wire.MAC_HEX + 1 :])["ctr"],
        "replayed",
    )


@given(st.integers(1, 50), st.data())
def test_a_freshly_signed_command_with_an_old_counter_is_refused(accepted, data):
    ctl, cloud = controller(), Cloud()
    cloud.ctr = accepted - 1
    assert opened_by(ctl, open_command(cloud, 1), 1)
    cloud.ctr = data.draw(st.integers(-5, accepted)) - 1  # at most the last accepted counter
    payload = open_command(cloud, 2)
    if cloud.ctr < 1:
        refused(ctl, payload)  # not a valid counter at all: malformed
        return
    refused(ctl, payload)
    assert _last_refusal(ctl) == ("refused", cloud.ctr, "replayed")


@given(st.integers(0, NOW - 1))
def test_an_expired_command_is_refused(expiry):
    ctl, cloud = controller(), Cloud()
    refused(ctl, open_command(cloud, 2, exp=expiry))
    assert _last_refusal(ctl) == ("refused", 1, "expired")


@settings(max_examples=50)
@given(st.sampled_from(["reserve", "revoke", "credential", "couriers"]), st.data())
def test_any_altered_sync_command_is_refused_too(kind, data):
    fields = {
        "reserve": {"parcel": "777", "cmp": 1},
        "revoke": {"parcel": "777"},
        "credential": {"parcel": "777", "cmp": 1, "v": "0" * 32, "until": LATER},
        "couriers": {"v": ["0" * 32]},
    }[kind]
    ctl, cloud = controller(), Cloud()
    genuine = wire.sign(KEY, cloud.body(kind, **fields))
    tampered = data.draw(altered(genuine))
    if tampered.lower() == genuine.lower():
        return
    refused(ctl, tampered)
    assert ctl.last_counter == 0 and state(ctl)["pending"] == []


def _last_refusal(ctl):
    last = ctl.pending_events()[-1]
    return last["type"], last["ctr"], last["reason"]


# --- over a real broker: what a compromised broker or a listener could send ----------------


@pytest.mark.e2e
def test_forged_and_replayed_commands_are_refused_by_the_board(cloud, provision, broker):
    """Moved from tests/e2e/test_wire_refusals.py."""
    board, key = provision()
    commands = wire.topic(board.locker_id, "commands")
    spy = MqttSpy(broker.url, commands)
    first = e2e_steps.preadvise(cloud, board, "1003")
    _, reserve = spy.wait_for(
        lambda t, p: t == commands and e2e_steps.command_type(key, p) == "reserve", what="a reserve"
    )
    httpx.post(
        cloud.api.url + "/api/v1/parcels/%s/cancel" % first["id"],
        timeout=10,
        headers=cloud.admin_headers,
    ).raise_for_status()
    board.wait_until(lambda c: not c.has_reservation("1003"), 15, "the revoke")
    counter = board.controller.last_counter

    spy.publish(commands, reserve)  # replayed: an old counter
    body = json.loads(reserve[65:])
    spy.publish(commands, wire.sign(bytes(32), dict(body, ctr=counter + 100)))  # forged: wrong key
    spy.publish(
        commands, reserve[:65] + json.dumps(dict(body, ctr=counter + 100)).encode()
    )  # altered
    spy.publish(commands, wire.sign(key, dict(body, ctr=counter + 100, exp=1)))  # expired
    spy.close()
    e2e_steps.preadvise(
        cloud, board, "1004"
    )  # a genuine command after them proves they were processed

    assert not board.controller.has_reservation("1003")
    assert board.controller.last_counter < counter + 100
