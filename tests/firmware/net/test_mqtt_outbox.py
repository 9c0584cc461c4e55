"""The outbox alone: bounded, ordered, QoS 1 kept until PUBACK and sent again flagged DUP."""

import pytest

from firmware.net import mqtt_packets as packets
from firmware.net.mqtt_outbox import Outbox

RETRANSMIT_MS = 5000


def drain(outbox, now_ms=0):
    """Every packet the outbox has to send at `now_ms`, decoded."""
    sent = []
    while True:
        data = outbox.next_packet(now_ms, RETRANSMIT_MS)
        if data is None:
            return sent
        sent.append(packets.decode(data))


def summary(sent):
    return [(p.payload, p.qos, p.dup, p.packet_id) for p in sent]


def test_it_refuses_when_full_and_counts_messages_in_flight():
    outbox = Outbox(limit=2)
    assert outbox.put("t", b"1", 1, False)
    assert outbox.put("t", b"2", 0, False)
    assert not outbox.put("t", b"3", 1, False)
    drain(outbox)  # "1" is now in flight, "2" (QoS 0) is gone
    assert len(outbox) == 1
    assert outbox.put("t", b"3", 1, False)
    assert not outbox.put("t", b"4", 1, False)


def test_a_puback_frees_room():
    outbox = Outbox(limit=1)
    outbox.put("t", b"1", 1, False)
    [sent] = drain(outbox)
    assert not outbox.put("t", b"2", 1, False)
    assert outbox.acked(sent.packet_id)
    assert not outbox.acked(sent.packet_id)  # a second PUBACK for it changes nothing
    assert outbox.put("t", b"2", 1, False)


def test_messages_go_out_in_order_and_qos1_ones_get_packet_ids():
    outbox = Outbox(limit=10)
    for payload, qos in [(b"a", 1), (b"b", 0), (b"c", 1)]:
        outbox.put("lockers/L1/events", payload, qos, qos == 0)
    sent = drain(outbox)
    assert summary(sent) == [(b"a", 1, False, 1), (b"b", 0, False, None), (b"c", 1, False, 2)]
    assert [p.retain for p in sent] == [False, True, False]


def test_an_unacknowledged_message_goes_out_again_with_dup_after_retransmit_ms():
    outbox = Outbox(limit=10)
    outbox.put("t", b"a", 1, False)
    drain(outbox, now_ms=1000)
    assert not outbox.retransmit_due(1000 + RETRANSMIT_MS - 1, RETRANSMIT_MS)
    assert drain(outbox, now_ms=1000 + RETRANSMIT_MS - 1) == []
    assert outbox.retransmit_due(1000 + RETRANSMIT_MS, RETRANSMIT_MS)
    assert summary(drain(outbox, now_ms=1000 + RETRANSMIT_MS)) == [(b"a", 1, True, 1)]


def test_after_a_reconnect_messages_in_flight_go_first_in_order_then_the_queue():
    outbox = Outbox(limit=10)
    outbox.put("t", b"a", 1, False)
    outbox.put("t", b"b", 1, False)
    drain(outbox)
    outbox.put("t", b"c", 1, False)
    outbox.reconnected()
    assert summary(drain(outbox)) == [(b"a", 1, True, 1), (b"b", 1, True, 2), (b"c", 1, False, 3)]


def test_retransmission_is_right_across_a_ticks_wrap():
    wrap = 1 << 30
    outbox = Outbox(limit=10)
    outbox.put("t", b"a", 1, False)
    drain(outbox, now_ms=wrap - 1000)
    assert not outbox.retransmit_due(3000, RETRANSMIT_MS)  # 4 s later, after the wrap
    assert outbox.retransmit_due(4000, RETRANSMIT_MS)


def test_packet_ids_wrap_and_skip_those_in_flight():
    outbox = Outbox(limit=10)
    outbox.put("t", b"a", 1, False)
    [first] = drain(outbox)
    outbox._last_id = 0xFFFF  # as after 65535 messages
    assert outbox.new_id() == 2  # 1 is still in flight
    outbox.acked(first.packet_id)
    outbox._last_id = 0xFFFF
    assert outbox.new_id() == 1


@pytest.mark.parametrize("topic, qos", [("lockers/+/events", 1), ("", 1), ("t", 2)])
def test_bad_messages_raise_at_once_and_are_not_queued(topic, qos):
    outbox = Outbox(limit=10)
    with pytest.raises(packets.MqttError):
        outbox.put(topic, b"x", qos, False)
    assert len(outbox) == 0
