"""Small real stand-ins for the client's world: a broker over in-memory streams that a test can
make refuse, stall or go silent, a network a test can cut like a pulled cable, and paho as the
peer on a real broker. No MagicMock: each is a class with the streams API the board uses."""

import asyncio
import queue
import time

import paho.mqtt.client as mqtt

from firmware.net import mqtt_packets as packets
from firmware.net.mqtt_client import MqttClient


def ticks_ms():
    return int(time.monotonic() * 1000)


def fast_client(open_transport, client_id="locker-T1", **options):
    """A client whose pauses and ticks are short enough for tests that take a second."""
    client = MqttClient(open_transport, client_id, ticks_ms, **options)
    client.min_backoff_s = 0.05
    client.max_backoff_s = 0.4
    client.tick_s = 0.05
    client.connect_timeout_s = 1
    return client


def run(coroutine, timeout=20):
    """Run a test coroutine on a fresh event loop, bounded: a hang fails instead of sticking."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


async def within(awaitable, timeout=5):
    return await asyncio.wait_for(awaitable, timeout)


async def eventually(condition, timeout=5):
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within %s s" % timeout)
        await asyncio.sleep(0.01)


class Running:
    """`async with Running(client):` runs client.run() for the block and stops it after."""

    def __init__(self, client):
        self.client = client
        self.task = None

    async def __aenter__(self):
        self.task = asyncio.create_task(self.client.run())
        return self.task

    async def __aexit__(self, *exc_info):
        await within(self.client.stop())
        await within(self.task)


# --- a broker in memory ---------------------------------------------------------------------


class FakeReader:
    def __init__(self):
        self.buffer = b""
        self.eof = False
        self.arrived = asyncio.Event()

    def feed(self, data):
        self.buffer += data
        self.arrived.set()

    def feed_eof(self):
        self.eof = True
        self.arrived.set()

    async def read(self, n):
        while not self.buffer and not self.eof:
            self.arrived.clear()
            await self.arrived.wait()  # a silent broker: this waits for ever
        chunk, self.buffer = self.buffer[:n], self.buffer[n:]
        return chunk  # b"" at EOF, as every transport says it


class FakeWriter:
    def __init__(self, connection):
        self.connection = connection
        self.closed = False

    def write(self, data):
        self.connection.received(packets.decode(data))  # the client writes whole packets

    async def drain(self):
        pass

    def close(self):
        self.closed = True

    async def wait_closed(self):
        pass


class FakeConnection:
    def __init__(self, broker):
        self.broker = broker
        self.reader = FakeReader()
        self.writer = FakeWriter(self)
        self.packets = []  # what the client sent on this connection
        self.silent = False

    def received(self, packet):
        self.packets.append(packet)
        if not self.silent:
            self.broker.answer(self, packet)

    def send(self, data):
        self.reader.feed(data)

    def go_silent(self):
        """The path died without a FIN (a NAT forgot us): nothing comes back, reads hang."""
        self.silent = True

    def hang_up(self):
        self.reader.feed_eof()

    def kinds(self):
        return [packet.kind for packet in self.packets]

    def publishes(self):
        return [packet for packet in self.packets if packet.kind == packets.PUBLISH]


class FakeBroker:
    """The broker's side of the protocol over in-memory streams, with switches for trouble."""

    def __init__(self):
        self.return_code = 0
        self.answers_connect = True
        self.answers_subscribe = True
        self.hangs_on_open = False
        self.acks_publishes = True
        self.granted = 1
        self.connections = []
        self.opened_at = []  # time.monotonic() of each connection attempt

    async def open_transport(self):
        self.opened_at.append(time.monotonic())
        if self.hangs_on_open:
            await asyncio.Event().wait()
        connection = FakeConnection(self)
        self.connections.append(connection)
        return connection.reader, connection.writer

    @property
    def current(self):
        return self.connections[-1]

    def answer(self, connection, packet):
        kind = packet.kind
        if kind == packets.CONNECT and self.answers_connect:
            connection.send(packets.connack(False, self.return_code))
        elif kind == packets.SUBSCRIBE and self.answers_subscribe:
            connection.send(packets.suback(packet.packet_id, [self.granted] * len(packet.topics)))
        elif kind == packets.PUBLISH and packet.qos == 1 and self.acks_publishes:
            connection.send(packets.puback(packet.packet_id))
        elif kind == packets.PINGREQ:
            connection.send(packets.pingresp())

    def deliver(self, topic, payload, packet_id=1, qos=1, dup=False):
        self.current.send(
            packets.publish(topic, payload, qos, False, dup, packet_id if qos else None)
        )

    def pubacks(self):
        return [
            packet.packet_id
            for connection in self.connections
            for packet in connection.packets
            if packet.kind == packets.PUBACK
        ]


# --- a real network and a real peer ----------------------------------------------------------


class Network:
    """The board's TCP path to a real broker, which a test can cut like a pulled cable: the
    broker sees the connection reset, never a DISCONNECT, and new connections fail until mended."""

    def __init__(self, port):
        self.port = port
        self.is_up = True
        self.writers = []

    async def open_transport(self):
        if not self.is_up:
            raise OSError(101, "network is unreachable")
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writers.append(writer)
        return reader, writer

    def cut(self):
        self.is_up = False
        for writer in self.writers:
            writer.transport.abort()

    def mend(self):
        self.is_up = True


class Peer:
    """paho-mqtt on the other side of a real broker: what the cloud's bridge would be."""

    def __init__(self, port, client_id):
        self.inbox = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
        self.client.on_message = lambda client, userdata, message: self.inbox.put(message)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def subscribe(self, topic):
        done = queue.Queue()
        self.client.on_subscribe = lambda *args: done.put(True)
        self.client.subscribe(topic, qos=1)
        done.get(timeout=5)

    def publish(self, topic, payload, qos=1):
        self.client.publish(topic, payload, qos=qos).wait_for_publish(5)

    async def next_message(self, timeout=5):
        return await asyncio.to_thread(self.inbox.get, True, timeout)

    def nothing_within(self, seconds):
        try:
            self.inbox.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()
