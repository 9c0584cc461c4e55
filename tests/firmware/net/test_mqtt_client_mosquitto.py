"""The client against a real Mosquitto, with paho-mqtt as the cloud's side: QoS 1 both ways, the
persistent session across a broker restart and a network cut, the last will, oversized input."""

import asyncio
import pathlib
import shutil
import tempfile
import uuid

import pytest

from tests.firmware.net.fakes import Network, Peer, Running, eventually, fast_client, run, within
from tests.support.brokers import MosquittoProcess

ONLINE = b'{"online": true}'
OFFLINE = b'{"online": false}'


@pytest.fixture
def own_broker():
    """A Mosquitto of this test's own, to stop and start. Its directory is world-writable, not
    under tmp_path: started as root, Mosquitto drops to its own user, which must be able to
    write the persistence file that keeps sessions across the restart."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="locker-mosquitto-"))
    workdir.chmod(0o777)
    broker = MosquittoProcess(workdir).start()
    yield broker
    broker.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def board_ids():
    """A locker id of its own per test: sessions on the shared broker outlive the test."""
    locker = "T" + uuid.uuid4().hex[:8]
    return locker, "locker-" + locker, "lockers/%s/" % locker


def test_a_qos1_command_published_by_paho_arrives_and_is_acknowledged(mosquitto):
    locker, client_id, topics = board_ids()

    async def scenario():
        network = Network(mosquitto.port)
        client = fast_client(network.open_transport, client_id)
        client.subscribe(topics + "commands")
        cloud = Peer(mosquitto.port, "cloud-" + locker)
        try:
            async with Running(client):
                await within(client.up.wait())
                await asyncio.to_thread(cloud.publish, topics + "commands", b"open 3")
                message = await within(client.messages().__anext__())
                assert client.reconnects == 0
        finally:
            cloud.close()
        return message

    assert run(scenario()) == (topics + "commands", b"open 3")


def test_qos1_events_reach_paho_in_order(mosquitto):
    locker, client_id, topics = board_ids()

    async def scenario():
        cloud = Peer(mosquitto.port, "cloud-" + locker)
        cloud.subscribe(topics + "events")
        client = fast_client(Network(mosquitto.port).open_transport, client_id)
        try:
            async with Running(client):
                await within(client.up.wait())
                for seq in range(20):
                    assert client.publish(topics + "events", b"%d" % seq)
                received = [await cloud.next_message() for _ in range(20)]
                await eventually(lambda: len(client._outbox) == 0)  # every PUBACK came
        finally:
            cloud.close()
        return received

    received = run(scenario())
    assert [m.payload for m in received] == [b"%d" % seq for seq in range(20)]
    assert {m.qos for m in received} == {1} and {m.topic for m in received} == {topics + "events"}


def test_the_session_outlives_a_broker_restart_and_a_network_cut(own_broker):
    """Subscribed once: a broker restart and a cut later, the command published while the board
    was away arrives, and so does the event the board published while it was away."""
    locker, client_id, topics = board_ids()
    broker = own_broker

    async def scenario():
        cloud = Peer(broker.port, "cloud-" + locker)
        cloud.subscribe(topics + "events")
        network = Network(broker.port)
        client = fast_client(network.open_transport, client_id)
        client.subscribe(topics + "commands")
        messages = client.messages()
        try:
            async with Running(client):
                await within(client.up.wait())
                network.cut()
                await within(client.down.wait())
                cloud.close()
                await asyncio.to_thread(broker.stop)
                await asyncio.to_thread(broker.start)
                cloud = Peer(broker.port, "cloud-" + locker)
                cloud.subscribe(topics + "events")
                await asyncio.to_thread(cloud.publish, topics + "commands", b"while away")
                assert client.publish(topics + "events", b"journal 1")  # queued while down
                network.mend()
                await within(client.up.wait())
                away = await within(messages.__anext__())
                event = await cloud.next_message()
                await asyncio.to_thread(cloud.publish, topics + "commands", b"after")
                after = await within(messages.__anext__())
                return client, away, event.payload, after
        finally:
            cloud.close()

    client, away, event, after = run(scenario())
    assert away == (topics + "commands", b"while away") and event == b"journal 1"
    assert after == (topics + "commands", b"after")
    assert client.session_present and client.reconnects == 1


def test_subscriptions_are_made_again_when_the_broker_forgot_them(own_broker):
    """With a clean session the broker keeps nothing: only re-subscribing brings commands back."""
    locker, client_id, topics = board_ids()
    broker = own_broker

    async def scenario():
        client = fast_client(Network(broker.port).open_transport, client_id, clean_session=True)
        client.subscribe(topics + "commands")
        async with Running(client):
            await within(client.up.wait())
            await asyncio.to_thread(broker.stop)
            await within(client.down.wait())
            await asyncio.to_thread(broker.start)
            await within(client.up.wait())
            cloud = Peer(broker.port, "cloud-" + locker)
            try:
                await asyncio.to_thread(cloud.publish, topics + "commands", b"after restart")
                message = await within(client.messages().__anext__())
            finally:
                cloud.close()
            return client, message

    client, message = run(scenario())
    assert message == (topics + "commands", b"after restart")
    assert not client.session_present and client.reconnects == 1


def test_the_last_will_is_published_and_retained_when_the_link_is_cut(mosquitto):
    locker, client_id, topics = board_ids()

    async def scenario():
        watcher = Peer(mosquitto.port, "watcher-" + locker)
        watcher.subscribe(topics + "status")
        network = Network(mosquitto.port)
        client = fast_client(network.open_transport, client_id, will=(topics + "status", OFFLINE))
        try:
            async with Running(client):
                await within(client.up.wait())
                client.publish(topics + "status", ONLINE, retain=True)  # what the core does
                online = await watcher.next_message()
                network.cut()  # no DISCONNECT: the broker must speak for the board
                offline = await watcher.next_message()
        finally:
            watcher.close()
        latecomer = Peer(mosquitto.port, "latecomer-" + locker)
        try:
            latecomer.subscribe(topics + "status")
            retained = await latecomer.next_message()
        finally:
            latecomer.close()
        return online.payload, offline.payload, retained

    online, offline, retained = run(scenario())
    assert (online, offline) == (ONLINE, OFFLINE)
    assert retained.payload == OFFLINE and retained.retain and retained.qos == 1


def test_no_will_after_a_clean_stop(mosquitto):
    locker, client_id, topics = board_ids()

    async def scenario():
        watcher = Peer(mosquitto.port, "watcher-" + locker)
        watcher.subscribe(topics + "status")
        client = fast_client(
            Network(mosquitto.port).open_transport, client_id, will=(topics + "status", OFFLINE)
        )
        try:
            task = asyncio.create_task(client.run())
            await within(client.up.wait())
            await within(client.stop())
            await within(task)
            return await asyncio.to_thread(watcher.nothing_within, 0.5)
        finally:
            watcher.close()

    assert run(scenario())


def test_an_oversized_command_is_dropped_and_the_next_one_arrives(mosquitto):
    locker, client_id, topics = board_ids()

    async def scenario():
        client = fast_client(Network(mosquitto.port).open_transport, client_id)
        client.subscribe(topics + "commands")
        cloud = Peer(mosquitto.port, "cloud-" + locker)
        try:
            async with Running(client):
                await within(client.up.wait())
                await asyncio.to_thread(cloud.publish, topics + "commands", b"x" * 20000)
                await asyncio.to_thread(cloud.publish, topics + "commands", b"small")
                message = await within(client.messages().__anext__())
                return client, message
        finally:
            cloud.close()

    client, message = run(scenario())
    assert message == (topics + "commands", b"small")
    assert client.dropped == 1 and client.reconnects == 0
