"""Whatever arrives, handle() returns a list of actions and bad input changes nothing."""

from binascii import hexlify

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.core.compartments import STATES
from firmware.core.events import (
    Connected,
    Disconnected,
    DoorClosed,
    DoorOpened,
    KeyPressed,
    MessageReceived,
    Tick,
)
from firmware.core.journal import Journal
from protocol import wire
from protocol.hmac256 import hmac_sha256
from tests.firmware.core.builders import (
    COMMANDS,
    COURIER_CODE,
    KEY,
    LATER,
    LOCKER,
    NOW,
    PIN,
    Cloud,
    controller,
    couriers,
    message,
    pin_credential,
    run,
    state,
)

PARCELS = ("PKG-1", "12345", "777")


def stocked():
    """A connected controller with a courier, a reservation, a credential and a pending event."""
    ctl, cloud = controller(), Cloud()
    run(
        ctl,
        [
            couriers(cloud, COURIER_CODE),
            cloud.command("reserve", parcel="12345", cmp=2),
            pin_credential(cloud, "PKG-1", 1),
            cloud.command("open", cmp=3),
            Connected(),
        ],
    )
    run(ctl, [Tick()], NOW + 5_000)
    run(ctl, [Tick()], NOW + 10_000)  # door 3 jams: one pending event
    return ctl


def assert_ignored(event):
    ctl = stocked()
    before = state(ctl, PARCELS)
    assert ctl.handle(event, NOW + 10_001) == []
    assert state(ctl, PARCELS) == before


@given(st.binary(max_size=600))
def test_arbitrary_bytes_as_a_command_change_nothing(payload):
    assert_ignored(MessageReceived(COMMANDS, payload))


@given(st.binary(max_size=300))
def test_correctly_signed_garbage_changes_nothing(body):
    assert_ignored(MessageReceived(COMMANDS, hexlify(hmac_sha256(KEY, body)) + b" " + body))


@given(st.text(max_size=40), st.binary(max_size=100))
def test_messages_on_any_topic_never_raise(topic, payload):
    assert isinstance(stocked().handle(MessageReceived(topic, payload), NOW), list)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
fields = st.sampled_from(["parcel", "cmp", "v", "until", "seqs", "lkr", "ctr", "exp", "type"])
types = st.sampled_from(["ack", "reserve", "credential", "revoke", "couriers", "open", "nope"])


@given(types, st.dictionaries(fields, json_values, max_size=6))
def test_signed_commands_with_arbitrary_fields_never_raise(type_, extra):
    body = {"lkr": LOCKER, "ctr": 100, "exp": LATER, "type": type_}
    body.update(extra)
    ctl = stocked()
    before = state(ctl, PARCELS)
    actions = ctl.handle(message(KEY, body), NOW + 10_001)
    assert isinstance(actions, list)
    try:
        wire.check_command(body)
    except wire.WireError:
        assert actions == []
        assert state(ctl, PARCELS) == before


any_key = st.sampled_from(list("0123456789*#")) | st.text(max_size=3) | st.none()
board_events = st.one_of(
    any_key.map(KeyPressed),
    st.sampled_from(list(PIN + COURIER_CODE + "12345#*")).map(KeyPressed),
    st.integers(-2, 5).map(DoorOpened),
    st.integers(-2, 5).map(DoorClosed),
    st.just(Tick()),
    st.just(Connected()),
    st.just(Disconnected()),
)


@settings(max_examples=300)
@given(st.lists(st.tuples(board_events, st.integers(0, 20_000)), max_size=60))
def test_arbitrary_key_and_door_sequences_never_raise_and_keep_the_invariants(steps):
    ctl, cloud = controller(journal=Journal(capacity=3)), Cloud()
    run(
        ctl,
        [
            couriers(cloud, COURIER_CODE),
            cloud.command("reserve", parcel="12345", cmp=2),
            pin_credential(cloud, "PKG-1", 1),
        ],
    )
    now = NOW
    for event, step in steps:
        now += step
        assert isinstance(ctl.handle(event, now), list)
    seqs = [b["seq"] for b in ctl.pending_events()]
    assert seqs == sorted(set(seqs)) and len(seqs) <= 3
    assert all(ctl.compartment(n).state in STATES for n in ctl.compartment_numbers())
    assert all(wire.check_event(b) for b in ctl.pending_events())
