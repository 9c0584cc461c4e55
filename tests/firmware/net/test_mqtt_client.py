"""The client against a broker in memory that a test can make refuse, stall, hang up or go
silent: backoff, keep-alive, retransmission, ordering, the bounded queue, stop()."""

import asyncio
import time

import pytest

from firmware.net import mqtt_packets as packets
from firmware.net.mqtt_packets import MqttError
from tests.firmware.net.fakes import FakeBroker, Running, eventually, fast_client, run, within

COMMANDS = "lockers/T1/commands"
STATUS = "lockers/T1/status"


def intervals(times):
    return [later - earlier for earlier, later in zip(times, times[1:])]


def test_connect_carries_client_id_will_keepalive_and_a_persistent_session():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(
            broker.open_transport, will=(STATUS, b'{"online": false}'), keepalive_s=20
        )
        async with Running(client):
            await within(client.up.wait())
            assert client.up.is_set() and not client.down.is_set()
        return broker.connections[0].packets[0]

    assert run(scenario()) == packets.Packet(
        packets.CONNECT,
        client_id="locker-T1",
        keepalive_s=20,
        clean_session=False,
        will=(STATUS, b'{"online": false}', 1, True),
        username=None,
        password=None,
    )


def test_a_will_given_as_a_function_is_asked_for_again_before_every_connection():
    wills = []

    def will():
        wills.append(b'{"conn": %d}' % (len(wills) + 1))
        return STATUS, wills[-1]

    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport, will=will)
        async with Running(client):
            await within(client.up.wait())
            broker.current.hang_up()
            await eventually(lambda: len(broker.connections) == 2 and client.up.is_set())
        return [connection.packets[0].will for connection in broker.connections]

    assert run(scenario()) == [(STATUS, b'{"conn": 1}', 1, True), (STATUS, b'{"conn": 2}', 1, True)]


def test_up_comes_after_the_suback_and_messages_are_acknowledged():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        client.subscribe(COMMANDS)
        async with Running(client):
            await within(client.up.wait())
            assert broker.current.packets[1].topics == [(COMMANDS, 1)]
            broker.deliver(COMMANDS, b"open 3", packet_id=42)
            message = await within(client.messages().__anext__())
            await eventually(lambda: broker.pubacks() == [42])
        return message

    assert run(scenario()) == (COMMANDS, b"open 3")


def test_duplicates_are_delivered_again_and_acknowledged_again():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        client.subscribe(COMMANDS)
        received = []
        async with Running(client):
            await within(client.up.wait())
            broker.deliver(COMMANDS, b"c1", packet_id=5)
            broker.deliver(COMMANDS, b"c1", packet_id=5, dup=True)
            async for message in client.messages():
                received.append(message)
                if len(received) == 2:
                    break
            await eventually(lambda: broker.pubacks() == [5, 5])
        return received

    assert run(scenario()) == [(COMMANDS, b"c1"), (COMMANDS, b"c1")]


def test_subscriptions_are_made_again_on_every_connect_and_at_once_when_up():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        client.subscribe(COMMANDS)
        async with Running(client):
            await within(client.up.wait())
            client.subscribe("lockers/all/commands")
            await eventually(lambda: len(broker.current.kinds()) >= 3)
            broker.current.hang_up()
            await eventually(lambda: len(broker.connections) == 2 and client.up.is_set())
        return [
            [p.topics for p in c.packets if p.kind == packets.SUBSCRIBE] for c in broker.connections
        ]

    first, second = run(scenario())
    assert first == [[(COMMANDS, 1)], [("lockers/all/commands", 1)]]
    assert second == [[(COMMANDS, 1), ("lockers/all/commands", 1)]]


def test_a_refused_connack_backs_off_doubling_to_the_cap_and_never_raises():
    async def scenario():
        broker = FakeBroker()
        broker.return_code = 5
        client = fast_client(broker.open_transport)
        client.max_backoff_s = 0.2
        async with Running(client) as task:
            await eventually(lambda: len(broker.opened_at) == 5)
            assert not task.done() and not client.up.is_set()
            assert "not authorized" in str(client.last_error)
            broker.return_code = 0
            await within(client.up.wait())
        return intervals(broker.opened_at[:5])

    pauses = run(scenario())
    for pause, expected in zip(pauses, [0.05, 0.1, 0.2, 0.2]):
        assert expected * 0.9 <= pause < expected + 0.15


def test_jitter_shortens_the_pauses_by_up_to_half():
    async def scenario():
        broker = FakeBroker()
        broker.return_code = 3
        client = fast_client(broker.open_transport, rand=lambda: 0.0)
        client.min_backoff_s = 0.4
        async with Running(client):
            await eventually(lambda: len(broker.opened_at) == 2)
        return intervals(broker.opened_at)[0]

    assert 0.18 <= run(scenario()) < 0.36  # half of 0.4 s, and clearly less than all of it


@pytest.mark.parametrize("stall", ["transport never opens", "no CONNACK", "no SUBACK"])
def test_a_stalled_connect_times_out_and_is_tried_again(stall):
    async def scenario():
        broker = FakeBroker()
        broker.hangs_on_open = stall == "transport never opens"
        broker.answers_connect = stall != "no CONNACK"
        broker.answers_subscribe = stall != "no SUBACK"
        client = fast_client(broker.open_transport)
        client.subscribe(COMMANDS)
        client.connect_timeout_s = 0.2
        async with Running(client):
            await eventually(lambda: len(broker.opened_at) >= 2)
            assert not client.up.is_set()
        return broker

    broker = run(scenario())
    assert intervals(broker.opened_at)[0] >= 0.2
    assert all(connection.writer.closed for connection in broker.connections)


def test_keepalive_finds_a_dead_link_whose_reads_hang_and_reconnects():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport, keepalive_s=1)
        async with Running(client):
            await within(client.up.wait())
            await asyncio.sleep(0.7)  # one ping answered
            assert packets.PINGREQ in broker.current.kinds()  # pings were answered
            broker.current.go_silent()
            lost = time.monotonic()
            await within(client.down.wait(), 3)
            detected = time.monotonic() - lost
            await within(client.up.wait(), 3)
        return broker, client, detected

    broker, client, detected = run(scenario())
    assert 0.5 <= detected <= 2.5  # keepalive_s after the first unanswered ping, give or take
    assert "PINGRESP" in str(client.last_error)
    assert client.reconnects == 1 and broker.connections[0].writer.closed


def test_a_hang_up_is_seen_as_end_of_stream_and_the_client_reconnects():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        async with Running(client):
            await within(client.up.wait())
            broker.current.hang_up()
            await within(client.down.wait())
            await within(client.up.wait())
        return client

    client = run(scenario())
    assert client.reconnects == 1 and isinstance(client.last_error, EOFError)


def test_garbage_from_the_broker_drops_the_link_and_the_client_reconnects():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        async with Running(client):
            await within(client.up.wait())
            broker.current.send(b"\x36\x05\x00\x01a\x00\x01")  # a PUBLISH with QoS 3
            await eventually(lambda: len(broker.connections) == 2 and client.up.is_set())
        return client

    assert isinstance(run(scenario()).last_error, MqttError)


def test_qos1_is_sent_again_with_dup_after_retransmit_s_until_acknowledged():
    async def scenario():
        broker = FakeBroker()
        broker.acks_publishes = False
        client = fast_client(broker.open_transport)
        client.retransmit_s = 0.2
        async with Running(client):
            await within(client.up.wait())
            assert client.publish("lockers/T1/events", b"e1")
            await eventually(lambda: len(broker.current.publishes()) == 2)
            sent = broker.current.publishes()
            broker.current.send(packets.puback(sent[0].packet_id))
            await asyncio.sleep(0.5)
        return sent, broker.current.publishes()

    sent, after_ack = run(scenario())
    assert [(p.payload, p.dup) for p in sent] == [(b"e1", False), (b"e1", True)]
    assert sent[0].packet_id == sent[1].packet_id
    assert len(after_ack) == 2  # acknowledged: never sent again


def test_after_a_reconnect_unacknowledged_messages_go_first_with_dup_then_new_ones_in_order():
    async def scenario():
        broker = FakeBroker()
        broker.acks_publishes = False
        client = fast_client(broker.open_transport)
        async with Running(client):
            await within(client.up.wait())
            client.publish("lockers/T1/events", b"1")
            client.publish("lockers/T1/events", b"2")
            await eventually(lambda: len(broker.current.publishes()) == 2)
            broker.current.hang_up()
            await within(client.down.wait())
            client.publish("lockers/T1/events", b"3", qos=0)
            client.publish("lockers/T1/events", b"4")
            broker.acks_publishes = True
            await eventually(
                lambda: len(broker.connections) == 2 and len(broker.current.publishes()) == 4
            )
        return broker

    broker = run(scenario())
    first = [(p.payload, p.dup, p.packet_id) for p in broker.connections[0].publishes()]
    second = [(p.payload, p.dup, p.packet_id) for p in broker.connections[1].publishes()]
    assert first == [(b"1", False, 1), (b"2", False, 2)]
    assert second == [(b"1", True, 1), (b"2", True, 2), (b"3", False, None), (b"4", False, 3)]


def test_publish_refuses_when_the_queue_is_full_and_takes_again_after_pubacks():
    async def scenario():
        broker = FakeBroker()
        broker.acks_publishes = False
        client = fast_client(broker.open_transport, queue_limit=2)
        # before any connect: two fit, the third does not
        results = [client.publish("lockers/T1/events", payload) for payload in (b"1", b"2", b"3")]
        async with Running(client):
            await within(client.up.wait())
            await eventually(lambda: len(broker.current.publishes()) == 2)
            results.append(client.publish("lockers/T1/events", b"3"))  # both still in flight
            for packet in broker.current.publishes():
                broker.current.send(packets.puback(packet.packet_id))
            await eventually(lambda: len(client._outbox) == 0)
            results.append(client.publish("lockers/T1/events", b"3"))
        return results

    assert run(scenario()) == [True, True, False, False, True]


def test_a_bad_topic_raises_at_publish_and_the_link_is_unharmed():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        async with Running(client):
            await within(client.up.wait())
            with pytest.raises(MqttError):
                client.publish("lockers/+/events", b"x")
            with pytest.raises(MqttError):
                client.subscribe("")
            assert client.publish("lockers/T1/events", b"ok")
            await eventually(lambda: len(broker.current.publishes()) == 1)
        return broker

    assert len(run(scenario()).connections) == 1


def test_an_oversized_message_is_acknowledged_and_dropped_and_the_next_one_arrives():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        client.max_packet_bytes = 100
        client.subscribe(COMMANDS)
        async with Running(client):
            await within(client.up.wait())
            broker.deliver(COMMANDS, b"x" * 5000, packet_id=7)
            broker.deliver(COMMANDS, b"small", packet_id=8)
            message = await within(client.messages().__anext__())
            await eventually(lambda: broker.pubacks() == [7, 8])
        return client, message, broker

    client, message, broker = run(scenario())
    assert message == (COMMANDS, b"small") and client.dropped == 1
    assert len(broker.connections) == 1


def test_a_full_inbox_holds_back_acknowledgements_until_messages_are_taken():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        client.inbox_limit = 2
        client.subscribe(COMMANDS)
        async with Running(client):
            await within(client.up.wait())
            for packet_id in (1, 2, 3):
                broker.deliver(COMMANDS, b"%d" % packet_id, packet_id=packet_id)
            await eventually(lambda: broker.pubacks() == [1, 2])
            await asyncio.sleep(0.1)
            held_back = broker.pubacks()
            messages = client.messages()
            taken = [await within(messages.__anext__()) for _ in range(3)]
            await eventually(lambda: broker.pubacks() == [1, 2, 3])
        return held_back, taken

    held_back, taken = run(scenario())
    assert held_back == [1, 2]
    assert [payload for topic, payload in taken] == [b"1", b"2", b"3"]


def test_a_refused_subscription_is_reported_and_events_still_flow():
    async def scenario():
        broker = FakeBroker()
        broker.granted = packets.SUBACK_FAILURE
        client = fast_client(broker.open_transport)
        client.subscribe(COMMANDS)
        async with Running(client):
            await within(client.up.wait())
            client.publish("lockers/T1/events", b"e")
            await eventually(lambda: len(broker.current.publishes()) == 1)
        return client

    assert "refused a subscription" in str(run(scenario()).last_error)


def test_stop_sends_disconnect_closes_ends_run_and_ends_messages():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        client.subscribe(COMMANDS)
        task = asyncio.create_task(client.run())
        await within(client.up.wait())
        broker.deliver(COMMANDS, b"last", packet_id=1)
        await eventually(lambda: broker.pubacks() == [1])
        await within(client.stop())
        assert task.done() and client.down.is_set() and not client.up.is_set()
        taken = [message async for message in client.messages()]  # what came, then the end
        return broker, taken

    broker, taken = run(scenario())
    assert broker.current.kinds()[-1] == packets.DISCONNECT and broker.current.writer.closed
    assert taken == [(COMMANDS, b"last")]


def test_stop_while_backing_off_returns_at_once():
    async def scenario():
        broker = FakeBroker()
        broker.return_code = 3
        client = fast_client(broker.open_transport)
        client.min_backoff_s = 30
        task = asyncio.create_task(client.run())
        await eventually(lambda: len(broker.opened_at) == 1)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await within(client.stop(), 1)
        assert task.done()
        return time.monotonic() - started, broker

    took, broker = run(scenario())
    assert took < 0.5
    assert packets.DISCONNECT not in broker.current.kinds()  # refused: nothing to say goodbye to


def test_a_stopped_client_does_not_run_again():
    async def scenario():
        broker = FakeBroker()
        client = fast_client(broker.open_transport)
        await within(client.stop())
        await within(client.run())
        return broker

    assert run(scenario()).opened_at == []
