"""The shared codec: signed payloads, message shapes, and nothing but WireError on garbage."""

import hashlib
import hmac
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol import wire
from protocol.hmac256 import hmac_sha256

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
DEPOSITED = {
    "lkr": "L1",
    "seq": 7,
    "t": 1_700_000_000_000,
    "type": "deposited",
    "parcel": "PKG-1",
    "cmp": 3,
}
RESERVE = {
    "lkr": "L1",
    "ctr": 4,
    "exp": 1_700_000_060_000,
    "type": "reserve",
    "parcel": "PKG-1",
    "cmp": 3,
}


@given(st.binary(max_size=200), st.binary(max_size=300))
def test_hmac_matches_the_standard_library(key, message):
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).digest()


def test_a_signed_event_opens_with_the_same_key():
    assert wire.check_event(wire.open_signed(KEY, wire.sign(KEY, DEPOSITED))) == DEPOSITED


def test_another_boards_key_is_refused():
    with pytest.raises(wire.WireError, match="bad signature"):
        wire.open_signed(OTHER_KEY, wire.sign(KEY, DEPOSITED))


def test_an_altered_body_is_refused():
    payload = wire.sign(KEY, RESERVE).replace(b'"cmp": 3', b'"cmp": 4')
    with pytest.raises(wire.WireError, match="bad signature"):
        wire.open_signed(KEY, payload)


@pytest.mark.parametrize(
    "field, value",
    [
        ("seq", 0),
        ("seq", "7"),
        ("seq", True),
        ("cmp", 0),
        ("cmp", 1000),
        ("parcel", ""),
        ("parcel", "x" * 33),
        ("parcel", "PKG 1"),
        ("lkr", None),
        ("type", "exploded"),
    ],
)
def test_an_event_of_the_wrong_shape_names_its_fault(field, value):
    with pytest.raises(wire.WireError):
        wire.check_event(dict(DEPOSITED, **{field: value}))


@pytest.mark.parametrize("missing", ["lkr", "ctr", "exp", "type", "parcel", "cmp"])
def test_a_command_missing_a_field_is_refused(missing):
    body = {k: v for k, v in RESERVE.items() if k != missing}
    with pytest.raises(wire.WireError, match="missing " + missing):
        wire.check_command(body)


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("lockers/L1/events", ("L1", "events")),
        ("lockers/a-b_c.d/status", ("a-b_c.d", "status")),
    ],
)
def test_topics_parse(topic, expected):
    assert wire.parse_topic(topic) == expected
    assert wire.topic(*expected) == topic


@pytest.mark.parametrize(
    "topic",
    [
        "lockers/L1",
        "lockers//events",
        "lockers/+/events",
        "other/L1/events",
        "lockers/L1/events/x",
        "",
    ],
)
def test_foreign_topics_are_refused(topic):
    with pytest.raises(wire.WireError):
        wire.parse_topic(topic)


@given(st.binary(max_size=5000))
def test_arbitrary_bytes_raise_only_wire_errors(payload):
    try:
        wire.check_event(wire.open_signed(KEY, payload))
    except wire.WireError:
        pass


def _json_values():
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=40)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


@given(
    st.dictionaries(
        st.sampled_from(sorted(set(DEPOSITED) | set(RESERVE) | {"seqs", "v", "until"})),
        _json_values(),
        max_size=10,
    )
)
def test_correctly_signed_junk_bodies_raise_only_wire_errors(body):
    payload = wire.sign(KEY, body)
    for check in (wire.check_event, wire.check_command):
        try:
            check(wire.open_signed(KEY, payload))
        except wire.WireError:
            pass


@given(st.text(max_size=60))
def test_arbitrary_topics_raise_only_wire_errors(topic):
    try:
        wire.parse_topic(topic)
    except wire.WireError:
        pass


def test_the_payload_is_mac_space_json():
    payload = wire.sign(KEY, DEPOSITED)
    assert payload[64:65] == b" " and json.loads(payload[65:]) == DEPOSITED
