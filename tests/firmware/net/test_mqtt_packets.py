"""MQTT 3.1.1 packets to bytes and back: known bytes from the spec, round trips, refusals, and
arbitrary bytes that never raise anything but MqttError."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.net import mqtt_packets as packets
from firmware.net.mqtt_packets import MqttError, Packet

topic_names = st.text(
    st.characters(blacklist_characters="+#\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
)
topic_filters = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
)
packet_ids = st.integers(1, 0xFFFF)


# --- remaining length ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, encoded",
    [
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (16383, b"\xff\x7f"),
        (16384, b"\x80\x80\x01"),
        (2097151, b"\xff\xff\x7f"),
        (2097152, b"\x80\x80\x80\x01"),
        (268435455, b"\xff\xff\xff\x7f"),
    ],
)
def test_remaining_length_matches_the_spec_table(n, encoded):
    assert packets.encode_length(n) == encoded
    assert packets.decode_length(encoded) == (n, len(encoded))


@given(st.integers(0, packets.MAX_REMAINING))
def test_remaining_length_round_trips(n):
    assert packets.decode_length(b"\x30" + packets.encode_length(n), 1)[0] == n


@pytest.mark.parametrize("n", [-1, packets.MAX_REMAINING + 1])
def test_remaining_length_out_of_range_is_refused(n):
    with pytest.raises(MqttError):
        packets.encode_length(n)


@pytest.mark.parametrize("data", [b"", b"\x80", b"\xff\xff\xff", b"\xff\xff\xff\xff\x01"])
def test_remaining_length_cut_short_or_too_long_is_malformed(data):
    with pytest.raises(MqttError):
        packets.decode_length(data)


# --- known bytes ----------------------------------------------------------------------------


def test_connect_bytes_carry_will_keepalive_and_persistent_session():
    data = packets.connect(
        "locker-L1", 30, False, ("lockers/L1/status", b'{"online": false}', 1, True)
    )
    assert data[:12] == b"\x10\x3b\x00\x04MQTT\x04\x2c\x00\x1e"  # will, QoS 1, retain; 30 s
    assert packets.decode(data) == Packet(
        packets.CONNECT,
        client_id="locker-L1",
        keepalive_s=30,
        clean_session=False,
        will=("lockers/L1/status", b'{"online": false}', 1, True),
        username=None,
        password=None,
    )


@pytest.mark.parametrize(
    "data, expected",
    [
        (packets.pingreq(), b"\xc0\x00"),
        (packets.pingresp(), b"\xd0\x00"),
        (packets.disconnect(), b"\xe0\x00"),
        (packets.puback(0x1234), b"\x40\x02\x12\x34"),
        (packets.connack(True, 0), b"\x20\x02\x01\x00"),
        (packets.suback(7, [1, 0x80]), b"\x90\x04\x00\x07\x01\x80"),
        (packets.subscribe(10, [("a/+", 1)]), b"\x82\x08\x00\x0a\x00\x03a/+\x01"),
        (packets.publish("a/b", b"hi", 1, True, True, 5), b"\x3b\x09\x00\x03a/b\x00\x05hi"),
        (packets.publish("a/b", b"hi"), b"\x30\x07\x00\x03a/bhi"),
    ],
)
def test_packets_have_the_bytes_the_spec_gives(data, expected):
    assert data == expected


# --- round trips ----------------------------------------------------------------------------


@given(
    topic_names,
    st.binary(max_size=300),
    st.sampled_from([0, 1]),
    st.booleans(),
    st.booleans(),
    packet_ids,
)
def test_publish_round_trips(topic, payload, qos, retain, dup, packet_id):
    dup = dup and qos == 1
    data = packets.publish(topic, payload, qos, retain, dup, packet_id if qos else None)
    packet = packets.decode(data)
    assert packet == Packet(
        packets.PUBLISH,
        topic=topic,
        payload=payload,
        qos=qos,
        retain=retain,
        dup=dup,
        packet_id=packet_id if qos else None,
    )


@given(
    st.text(min_size=1, max_size=23).filter(lambda s: "\x00" not in s and s.isprintable()),
    st.integers(0, 0xFFFF),
    st.booleans(),
    st.none()
    | st.tuples(topic_names, st.binary(max_size=50), st.sampled_from([0, 1, 2]), st.booleans()),
    st.none()
    | st.tuples(
        st.text(max_size=10).filter(lambda s: "\x00" not in s and s.isprintable()),
        st.none() | st.binary(max_size=10),
    ),
)
def test_connect_round_trips(client_id, keepalive_s, clean_session, will, credentials):
    username, password = credentials if credentials else (None, None)
    data = packets.connect(client_id, keepalive_s, clean_session, will, username, password)
    assert packets.decode(data) == Packet(
        packets.CONNECT,
        client_id=client_id,
        keepalive_s=keepalive_s,
        clean_session=clean_session,
        will=will,
        username=username,
        password=password,
    )


@given(
    packet_ids,
    st.lists(st.tuples(topic_filters, st.sampled_from([0, 1, 2])), min_size=1, max_size=5),
)
def test_subscribe_round_trips(packet_id, topics):
    data = packets.subscribe(packet_id, topics)
    assert packets.decode(data) == Packet(packets.SUBSCRIBE, packet_id=packet_id, topics=topics)


@given(packet_ids, st.lists(st.sampled_from([0, 1, 2, 0x80]), min_size=1, max_size=5))
def test_suback_round_trips(packet_id, granted):
    data = packets.suback(packet_id, granted)
    assert packets.decode(data) == Packet(packets.SUBACK, packet_id=packet_id, granted=granted)


@given(st.booleans(), st.integers(0, 5))
def test_connack_round_trips(session_present, return_code):
    packet = packets.decode(packets.connack(session_present, return_code))
    assert packet == Packet(
        packets.CONNACK, session_present=session_present, return_code=return_code
    )


@pytest.mark.parametrize(
    "data, kind",
    [
        (packets.pingreq(), packets.PINGREQ),
        (packets.pingresp(), packets.PINGRESP),
        (packets.disconnect(), packets.DISCONNECT),
    ],
)
def test_empty_packets_round_trip(data, kind):
    assert packets.decode(data) == Packet(kind)


def test_a_large_payload_takes_a_longer_length_and_round_trips():
    payload = bytes(range(256)) * 80
    packet = packets.decode(packets.publish("lockers/L1/commands", payload, 1, False, False, 9))
    assert packet.payload == payload


def test_str_payloads_are_sent_as_utf8():
    assert packets.decode(packets.publish("t", "é")).payload == "é".encode()


# --- refusals --------------------------------------------------------------------------------


def test_mqtt_error_is_a_value_error():
    assert issubclass(MqttError, ValueError)


@pytest.mark.parametrize(
    "encode",
    [
        lambda: packets.publish("lockers/+/events", b""),
        lambda: packets.publish("lockers/#", b""),
        lambda: packets.publish("", b""),
        lambda: packets.publish("t", b"", 0, False, False, 3),
        lambda: packets.publish("t", b"", 0, False, True),
        lambda: packets.publish("t", b"", 1),
        lambda: packets.publish("t", b"", 1, packet_id=0),
        lambda: packets.publish("t", b"", 1, packet_id=0x10000),
        lambda: packets.publish("t", b"", 3, packet_id=1),
        lambda: packets.publish("t", 42),
        lambda: packets.connect("", 30, False),
        lambda: packets.connect("c", 30, True, None, None, b"secret"),
        lambda: packets.connect("c", 30, True, ("t", b"x", 3, False)),
        lambda: packets.subscribe(1, []),
        lambda: packets.subscribe(1, [("", 1)]),
        lambda: packets.suback(1, [3]),
        lambda: packets.connack(False, 6),
    ],
    ids=lambda f: "",
)
def test_bad_packets_are_refused_when_encoding(encode):
    with pytest.raises(MqttError):
        encode()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x30",
        b"\xc0",
        b"\xc0\x01\x00",  # cut short, or bytes after an empty packet
        b"\xc0\x00\x00",  # bytes after the packet
        b"\xc1\x00",
        b"\x80\x07\x00\x01\x00\x01a\x01",  # reserved flags (SUBSCRIBE needs 0010)
        b"\x00\x00",
        b"\xf0\x00",
        b"\x50\x02\x00\x01",  # reserved type, AUTH, PUBREC unsupported
        b"\x36\x05\x00\x01a\x00\x01",  # QoS 3
        b"\x38\x03\x00\x01a",  # DUP on QoS 0
        b"\x32\x05\x00\x01a\x00\x00",  # packet id 0
        b"\x30\x04\x00\x02\xff\xfe",  # topic not UTF-8
        b"\x30\x04\x00\x02a\x00",  # topic with U+0000
        b"\x30\x04\x00\x02a+",  # wildcard in a topic name
        b"\x30\x02\x00\x00",  # empty topic name
        b"\x20\x02\x02\x00",
        b"\x20\x02\x00\x06",
        b"\x20\x03\x00\x00\x00",  # bad CONNACKs
        b"\x40\x02\x00\x00",
        b"\x40\x03\x00\x01\x00",  # PUBACK id 0, too long
        b"\x90\x02\x00\x01",
        b"\x90\x03\x00\x01\x03",  # SUBACK without codes, bad code
        b"\x82\x02\x00\x01",
        b"\x82\x06\x00\x01\x00\x01a\x03",  # SUBSCRIBE empty, QoS 3
        b"\x10\x0c\x00\x06MQIsdp\x03\x02\x00\x3c",  # MQTT 3.1, not 3.1.1
        b"\x10\x0d\x00\x04MQTT\x04\x03\x00\x3c\x00\x01c",  # reserved connect flag
        b"\x10\x0d\x00\x04MQTT\x04\x42\x00\x3c\x00\x01c",  # password without user name
        b"\x10\x0d\x00\x04MQTT\x04\x20\x00\x3c\x00\x01c",  # will retain without a will
    ],
)
def test_malformed_packets_raise_mqtt_error(data):
    with pytest.raises(MqttError):
        packets.decode(data)


@settings(max_examples=2000)
@given(st.binary(max_size=64))
def test_decoding_arbitrary_bytes_raises_only_mqtt_error(data):
    try:
        packets.decode(data)
    except MqttError:
        pass


@settings(max_examples=2000)
@given(st.integers(0, 255), st.binary(max_size=64))
def test_decoding_any_body_under_any_header_raises_only_mqtt_error(first, body):
    try:
        packets.decode_body(first, body)
    except MqttError:
        pass


valid_packets = st.sampled_from(
    [
        packets.connect("locker-L1", 30, False, ("s", b"off", 1, True), "u", b"p"),
        packets.connack(True, 0),
        packets.publish("lockers/L1/commands", b"{}", 1, False, True, 3),
        packets.puback(3),
        packets.subscribe(4, [("a/#", 1), ("b", 0)]),
        packets.suback(4, [1, 0]),
        packets.pingreq(),
        packets.pingresp(),
        packets.disconnect(),
    ]
)


@settings(max_examples=2000)
@given(valid_packets, st.integers(0, 200), st.integers(0, 255))
def test_damaged_packets_raise_only_mqtt_error(data, position, value):
    damaged = bytearray(data)
    damaged[position % len(damaged)] = value
    try:
        packets.decode(bytes(damaged))
    except MqttError:
        pass
