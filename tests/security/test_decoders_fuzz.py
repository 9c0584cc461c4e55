"""hypothesis over every decoder on the board and in the bridge (issue 5, "Proof"): arbitrary
bytes, text and JSON-ish bodies, signed or not, near-valid or not. Each decoder either decodes
or refuses with its documented type (WireError, MqttError, None, Rejected, OutOfOrder), and a
refused input changes nothing: not the board's snapshot, not a row of the database."""

import asyncio
import json
from binascii import hexlify
from datetime import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from bridge import inbound, topics
from cloud.models import Locker
from firmware.core.actions import PULSE
from firmware.core.controller import Controller
from firmware.core.events import (
    CODE_SCANNED,
    KEY_PRESSED,
    CodeScanned,
    KeyPressed,
    MessageReceived,
    Tick,
)
from firmware.net import mqtt_packets as packets
from firmware.net.mqtt_link import Link
from protocol import qr_tokens, wire
from protocol.hmac256 import hmac_sha256

KEY = bytes(range(32))
LOCKER = "L1"
NOW_MS = 1_893_499_200_000
FUZZ = settings(max_examples=200, deadline=None)
# the database ones run on SQLite and PostgreSQL, each example a few transactions
FUZZ_DB = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
codes = st.from_regex(r"[A-Za-z0-9_.\-]{1,32}", fullmatch=True)
hex32 = st.from_regex(r"[0-9a-f]{32}", fullmatch=True)
words = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=32)
KIND_VALUES = {
    "code": codes,
    "str": words | st.text(min_size=1, max_size=32),
    "cmp": st.integers(1, 999),
    "seq": st.integers(1, 2**53 - 1),
    "ms": st.integers(0, 2**53 - 1),
    "int": st.integers(-(2**31), 2**31 - 1),
    "count": st.integers(0, 2**31 - 1),
    "word": words.filter(lambda w: len(w) <= 16) | st.text(min_size=1, max_size=16),
    "hex": hex32,
    "seqs": st.lists(st.integers(1, 2**53 - 1), min_size=1, max_size=5),
    "hexlist": st.lists(hex32, max_size=3),
    "cmps": st.lists(
        st.tuples(
            st.integers(1, 999), words | st.text(min_size=1, max_size=32), st.just("") | codes
        ).map(list),
        max_size=5,
    ),
}
# the fields of every message type there is, as (envelope, fields by type)
SHAPES = {
    "event": (wire.EVENT_ENVELOPE, wire.EVENT_FIELDS),
    "command": (wire.COMMAND_ENVELOPE, wire.COMMAND_FIELDS),
    "telemetry": ((), {"telemetry": wire.TELEMETRY_FIELDS}),
    "inventory": ((), {"inventory": wire.INVENTORY_FIELDS}),
}
CHECKS = {
    "event": wire.check_event,
    "command": wire.check_command,
    "telemetry": wire.check_telemetry,
    "inventory": wire.check_inventory,
}


@st.composite
def bodies(draw, shape, max_bends=2):
    """A well-formed body of `shape`, then (mostly) bent: a field changed, dropped or added."""
    envelope, by_type = SHAPES[shape]
    kind = draw(st.sampled_from(sorted(by_type)))
    body = {name: draw(KIND_VALUES[k]) for name, k in envelope + by_type[kind]}
    body["type"], body["lkr"] = kind, draw(st.just(LOCKER) | codes) if max_bends else LOCKER
    for _ in range(draw(st.integers(0, max_bends))):
        name = draw(st.sampled_from(sorted(body) + ["asof", "keep", "extra"]))
        if draw(st.booleans()) and name in body:
            del body[name]
        else:
            body[name] = draw(json_values)
    return body


def signed(body, key=KEY):
    return wire.sign(key, body)


def _mac_over(raw, key):
    """A correct MAC over bytes that may be neither JSON nor UTF-8."""
    return hexlify(hmac_sha256(key, raw)) + b" " + raw


raw_payloads = st.binary(max_size=300) | st.builds(
    _mac_over, st.binary(max_size=200), st.sampled_from([KEY, b"k" * 32])
)


# --- the wire format (board, simulator and bridge) ---------------------------------------------


@FUZZ
@given(raw_payloads)
def test_open_signed_takes_any_bytes(payload):
    try:
        assert isinstance(wire.open_signed(KEY, payload), dict)
    except wire.WireError:
        pass


@FUZZ
@given(
    st.sampled_from(sorted(SHAPES)).flatmap(lambda shape: st.tuples(st.just(shape), bodies(shape)))
)
def test_every_message_check_refuses_with_wire_error_only(shape_and_body):
    shape, body = shape_and_body
    try:
        CHECKS[shape](wire.open_signed(KEY, signed(body)))
    except wire.WireError:
        pass


@FUZZ
@given(st.text(max_size=60))
def test_topics_parse_or_refuse(name):
    try:
        topics.route(name)
    except wire.WireError:
        pass


# --- the board: QR codes, keypad, scanner, commands ------------------------------------------


@FUZZ
@given(
    st.text(max_size=40)
    | st.from_regex(r"Q[0-9\w]{0,4}\.[0-9A-Z\w]{0,9}\.[0-9A-F\w]{0,17}", fullmatch=True)
)
@example("Q\u00b2.0.AAAAAAAAAAAAAAAA")  # a superscript two: isdigit() says yes, int() says no
@example("Q" + "9" * 5000 + ".0.AAAAAAAAAAAAAAAA")  # past CPython's int-from-text limit
def test_a_scanned_qr_code_reads_or_is_not_a_qr_code(code):
    token = qr_tokens.read_qr_token(code)
    assert token is None or (1 <= token[0] <= 999 and token[1] >= 0)
    if token is not None:
        assert qr_tokens.mac_matches(
            KEY, "0" * wire.VERIFIER_HEX, token[0], "P1", token[1], token[2]
        ) in (True, False)


def board():
    return Controller(LOCKER, KEY, [(1, "S"), (2, "M"), (3, "L")])


keypad_input = st.lists(
    st.one_of(
        st.builds(
            KeyPressed, st.sampled_from(list("0123456789*#")) | st.text(max_size=2) | json_values
        ),
        st.builds(CodeScanned, st.text(max_size=40) | codes | json_values),
        st.builds(lambda: Tick()),
    ),
    max_size=30,
)


@FUZZ
@given(keypad_input)
def test_keypad_and_scanner_garbage_never_opens_a_door_nor_crashes(events):
    controller, now = board(), NOW_MS
    for event in events:
        before = controller.snapshot()
        now += 700
        actions = controller.handle(event, now)
        assert not [a for a in actions if a[0] == PULSE]  # no credential exists to match
        unreadable = event[0] == CODE_SCANNED and not wire.is_code(event[1])
        if unreadable or (event[0] == KEY_PRESSED and event[1] not in list("0123456789*#")):
            assert controller.snapshot() == before


@FUZZ
@given(bodies("command"), st.sampled_from([KEY, b"x" * 32]), st.booleans())
def test_a_refused_command_changes_nothing_on_the_board(body, key, fresh):
    if fresh and isinstance(body.get("ctr"), int) and not isinstance(body.get("ctr"), bool):
        body["exp"] = NOW_MS + 60_000  # mostly valid enough to reach the checks past the MAC
    controller = board()
    before = controller.snapshot()
    payload = signed(body, key)
    actions = controller.handle(MessageReceived(wire.topic(LOCKER, "commands"), payload), NOW_MS)
    try:
        refused = wire.check_command(wire.open_signed(KEY, payload))["lkr"] != LOCKER
    except wire.WireError:
        refused = True
    if refused:
        assert actions == [] and controller.snapshot() == before


@FUZZ
@given(
    st.binary(max_size=300) | raw_payloads,
    st.sampled_from(["lockers/L1/commands", "lockers/L2/commands", "x"]),
)
def test_arbitrary_bytes_on_the_commands_topic_change_nothing(payload, topic):
    controller = board()
    before = controller.snapshot()
    assert controller.handle(MessageReceived(topic, payload), NOW_MS) == []
    assert controller.snapshot() == before


# --- the board's MQTT packets, from the broker --------------------------------------------------


@FUZZ
@given(
    st.binary(max_size=300)
    | st.tuples(st.integers(0, 255), st.binary(max_size=100)).map(
        lambda fb: bytes([fb[0]]) + packets.encode_length(len(fb[1])) + fb[1]
    )
)
def test_packets_decode_or_refuse_with_mqtt_error(data):
    try:
        packets.decode(data)
    except packets.MqttError:
        pass
    if data:
        try:
            packets.decode_body(data[0], data[1:])
        except packets.MqttError:
            pass


class _Stream:
    def __init__(self, data):
        self.data = data

    async def read(self, n):
        chunk, self.data = self.data[:n], self.data[n:]
        return chunk


@FUZZ
@given(st.binary(max_size=300))
def test_the_link_reads_packets_off_any_byte_stream(data):
    async def read_all():
        link = Link(0)
        link.reader = _Stream(data)
        while True:
            await link.read_packet(64)

    with pytest.raises((packets.MqttError, EOFError)):
        asyncio.run(read_all())


# --- the bridge and the cloud: events, telemetry, inventory, status ---------------------------


@pytest.fixture
def key(make_locker, session):
    _, device_key = make_locker(LOCKER)
    session.commit()
    return bytes.fromhex(device_key)


def _applied_seq(engine):
    with Session(engine) as session:
        return session.get(Locker, LOCKER).applied_seq


def _refuses_cleanly(engine, row_counts, handle, payload, refusals):
    before = row_counts()
    try:
        handle(engine, LOCKER, payload, _now())
    except refusals:
        assert row_counts() == before


def _now():
    """Naive UTC, as the bridge's clock (cloud.core.clock.utcnow) gives it: an aware time made
    the comparison in an unadvised event's handler raise, a fault of the test, not the bridge."""
    return datetime(2030, 1, 1)


HANDLERS = {
    "event": inbound.handle_event,
    "telemetry": inbound.handle_telemetry,
    "inventory": inbound.handle_inventory,
}


@pytest.mark.parametrize("shape", sorted(HANDLERS))
@FUZZ_DB
@given(data=st.data())
def test_the_bridge_refuses_bad_device_messages_and_changes_nothing(
    engine, row_counts, key, shape, data
):
    well_formed = data.draw(st.booleans())  # half of them get past the checks, into the services
    body = data.draw(bodies(shape, 0 if well_formed else 2))
    if shape == "event" and (well_formed or data.draw(st.booleans())):
        body["seq"] = _applied_seq(engine) + 1  # the next one: applied, not held back
    payload = signed(body, key if well_formed else data.draw(st.sampled_from([key, KEY])))
    _refuses_cleanly(
        engine, row_counts, HANDLERS[shape], payload, (inbound.Rejected, inbound.OutOfOrder)
    )


@FUZZ_DB
@given(
    payload=raw_payloads | st.builds(lambda v: json.dumps(v).encode(), json_values),
    shape=st.sampled_from(sorted(HANDLERS) + ["status"]),
)
def test_the_bridge_takes_any_bytes_on_any_device_topic(engine, row_counts, key, payload, shape):
    handle = HANDLERS.get(shape, inbound.handle_status)
    _refuses_cleanly(engine, row_counts, handle, payload, (inbound.Rejected, inbound.OutOfOrder))


def _telemetry(**fields):
    body = {
        "lkr": LOCKER,
        "t": NOW_MS,
        "type": "telemetry",
        "fw": "0.1.0",
        "up": 1000,
        "reset": "power-on",
        "heap": 100_000,
        "rssi": -60,
        "reconn": 0,
        "mode": "normal",
    }
    return dict(body, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"heap": 2**53 - 1},
        {"reconn": 2**53 - 1},
        {"up": 2**53 - 1},
        {"rssi": 2**31 - 1},
        {"rssi": -(2**31)},
        {"rssi": 2**31},
        {"heap": 2**31},
        {"mode": "m" * 17},
        {"mode": "m" * 32},
        {"mode": "\x00"},
        {"fw": "\ud800"},
        {"reset": "\x7f"},
        {"fw": "f" * 32},
        {"reset": "r" * 32},
    ],
    ids=str,
)
def test_telemetry_at_the_edges_of_the_wire_format_is_stored_or_refused(
    engine, row_counts, key, fields
):
    payload = signed(_telemetry(**fields), key)
    _refuses_cleanly(engine, row_counts, inbound.handle_telemetry, payload, inbound.Rejected)
