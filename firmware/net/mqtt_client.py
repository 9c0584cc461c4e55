# The board's MQTT 3.1.1 client, in the manner of mqtt_as: `up`/`down` events, received messages
# read with `async for`, subscriptions made again on every connect, QoS 1 retransmission, and a
# run() that reconnects with backoff until stop(). Runs on MicroPython's asyncio (ESP32, Pico W,
# WebAssembly) and on CPython's, over any transport with the streams API (see mqtt_link).
import asyncio

from firmware.net import mqtt_packets as packets
from firmware.net.aio import ticks_diff, wait_event
from firmware.net.mqtt_link import Link
from firmware.net.mqtt_outbox import Outbox


class MqttClient:
    min_backoff_s = 1  # the pause before reconnecting; doubles after each failed attempt...
    max_backoff_s = 30  # ...up to this
    retransmit_s = 5  # a QoS 1 message unacknowledged this long goes out again, flagged DUP
    connect_timeout_s = 10  # from opening the transport to up (CONNACK, then SUBACK)
    tick_s = 1  # how often keep-alive, connect timeout and retransmissions are looked at
    inbox_limit = 16  # received, not yet taken; when full the reader waits (backpressure)
    max_packet_bytes = 8192  # a bigger received message is acknowledged and dropped (RAM)

    def __init__(
        self,
        open_transport,
        client_id,
        ticks_ms,
        will=None,
        keepalive_s=30,
        clean_session=False,
        queue_limit=32,
        rand=None,
    ):
        """`open_transport`: async callable returning (reader, writer); `ticks_ms`: a clock in
        int ms (time.ticks_ms on the board); `will`: (topic, payload) for a QoS 1 retained
        will, or (topic, payload, qos, retain), or a function returning one, called before
        every connection attempt; `rand`: returns [0, 1) to jitter backoff."""
        self._open_transport = open_transport
        self._ticks_ms = ticks_ms
        self._rand = rand
        self.client_id = client_id
        self.keepalive_s = int(keepalive_s)
        self._clean_session = clean_session
        self._will = will if callable(will) else None
        self._connect = packets.connect(
            client_id, self.keepalive_s, clean_session, None if self._will else _full_will(will)
        )  # bad ids fail here
        self._outbox = Outbox(queue_limit)
        self._topics = []
        self._inbox = []
        self._inbox_ready = asyncio.Event()
        self._inbox_space = asyncio.Event()
        self.up = asyncio.Event()  # set while connected and subscribed: await client.up.wait()
        self.down = asyncio.Event()  # set while not: await client.down.wait()
        self.down.set()
        self._ever_connected = False
        self._link = None
        self._closed = False  # stop() was called: for good, a stopped client is not restarted
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._finished.set()  # run() is not running
        self.reconnects = 0  # connections made after the first one
        self.session_present = False  # the broker still had our session at the last CONNACK
        self.dropped = 0  # received messages over max_packet_bytes, acknowledged and dropped
        self.last_error = None  # what ended the last link or refused the last subscription

    def outbox_size(self):
        """Messages queued or in flight: bounded by queue_limit, whatever the link does."""
        return len(self._outbox)

    def subscribe(self, topic):
        """Subscribe to `topic` with QoS 1: now if connected, and again on every connect."""
        packets.subscribe(1, [(topic, 1)])  # a bad filter fails here, not in the sender
        if topic in self._topics:
            return
        self._topics.append(topic)
        link = self._link
        if link is not None and link.accepted:
            self._send_subscribe(link, [topic])

    def publish(self, topic, payload, qos=1, retain=False):
        """Queue a message and return True at once; False when the queue is full: the caller
        decides (the board's journal keeps its events anyway). Bad topics raise MqttError."""
        if not self._outbox.put(topic, payload, qos, retain):
            return False
        if self._link is not None:
            self._link.wake.set()
        return True

    def messages(self):
        """`async for topic, payload in client.messages()`, oldest first. The loop ends after
        stop(), once the messages already received are taken."""
        return _Messages(self)

    async def run(self):
        """The client's whole life: connect, serve, and after any failure (refusals included)
        back off and connect again, until stop(). Network trouble never raises out of here."""
        if self._closed:
            return
        self._finished.clear()
        delay = 0
        try:
            while not self._closed:
                if delay and await wait_event(self._stopping, self._pause_s(delay)):
                    break
                accepted = await self._session()
                delay = (
                    self.min_backoff_s
                    if accepted
                    else min(max(2 * delay, self.min_backoff_s), self.max_backoff_s)
                )
        finally:
            self._finished.set()

    async def stop(self):
        """DISCONNECT if connected (so the broker drops the will), close, and end run()."""
        self._closed = True
        self._stopping.set()
        if self._link is not None:
            self._link.dead.set()
        self._inbox_ready.set()  # a consumer waiting in messages() sees the end
        await self._finished.wait()

    def _pause_s(self, delay):
        # Jitter: between half and all of the delay, so that a fleet that lost its broker
        # together does not come back in lockstep.
        if self._rand is None:
            return delay
        return delay * (0.5 + 0.5 * self._rand())

    async def _session(self):
        """One connection, from opening the transport to its end; True if CONNACK said yes."""
        link = Link(self._ticks_ms())
        self._link = link
        link.tasks.append(asyncio.create_task(self._guard(link, self._talk(link))))
        link.tasks.append(asyncio.create_task(self._guard(link, self._watch(link))))
        try:
            await link.dead.wait()
        finally:
            for task in link.tasks:
                task.cancel()
        await asyncio.gather(*link.tasks, return_exceptions=True)
        self._set_down()
        await link.close(packets.disconnect() if link.accepted and self._closed else None)
        self._link = None
        return link.accepted

    async def _guard(self, link, coro):
        try:
            await coro
        except Exception as error:  # any failure ends this link; run() decides what follows
            if not link.dead.is_set():
                self.last_error = error
        link.dead.set()

    async def _talk(self, link):
        """Open, CONNECT, take the CONNACK, start the sender, then read until the link fails."""
        link.reader, link.writer = await self._open_transport()
        await link.write(self._connect_packet())
        self._accept(link, await link.read_packet(self.max_packet_bytes))
        link.tasks.append(asyncio.create_task(self._guard(link, self._send_loop(link))))
        while True:
            packet = await link.read_packet(self.max_packet_bytes)
            if packet is None:
                self.dropped += 1
            else:
                await self._handle(link, packet)

    def _connect_packet(self):
        if self._will is None:
            return self._connect
        return packets.connect(
            self.client_id, self.keepalive_s, self._clean_session, _full_will(self._will())
        )

    def _accept(self, link, packet):
        if packet is None or packet.kind != packets.CONNACK:
            raise packets.MqttError("the broker's first packet is not a CONNACK")
        if packet.return_code:
            raise packets.MqttError("refused: " + packets.REFUSALS[packet.return_code])
        link.accepted = True
        link.pinged_ms = self._ticks_ms()
        self.session_present = packet.session_present
        if self._ever_connected:
            self.reconnects += 1
        self._ever_connected = True
        self._outbox.reconnected()  # unacknowledged messages go out again, first and in order
        if self._topics:
            self._send_subscribe(link, self._topics)  # up once the SUBACK is in
        else:
            self._set_up(link)
        link.wake.set()

    def _send_subscribe(self, link, topics):
        packet_id = self._outbox.new_id()
        link.pending_subs.append(packet_id)
        link.send(packets.subscribe(packet_id, [(topic, 1) for topic in topics]))

    def _set_up(self, link):
        link.up = True
        self.down.clear()
        self.up.set()

    def _set_down(self):
        self.up.clear()
        self.down.set()

    async def _handle(self, link, packet):
        kind = packet.kind
        if kind == packets.PUBLISH:
            await self._received(link, packet)
        elif kind == packets.PUBACK:
            self._outbox.acked(packet.packet_id)
        elif kind == packets.SUBACK:
            self._subscribed(link, packet)
        elif kind == packets.PINGRESP:
            link.ping_ms = None
        else:
            raise packets.MqttError("unexpected packet type %d from the broker" % kind)

    async def _received(self, link, packet):
        if packet.qos == 2:
            raise packets.MqttError("a QoS 2 message, but the board subscribes with QoS 1")
        while len(self._inbox) >= self.inbox_limit:
            self._inbox_space.clear()
            await self._inbox_space.wait()
        self._inbox.append((packet.topic, packet.payload))
        self._inbox_ready.set()
        if packet.qos == 1:  # acknowledged once queued: a duplicate before that is harmless
            link.send(packets.puback(packet.packet_id))

    def _subscribed(self, link, packet):
        if packet.packet_id in link.pending_subs:
            link.pending_subs.remove(packet.packet_id)
        if packets.SUBACK_FAILURE in packet.granted:  # e.g. the broker's ACL: events still flow
            self.last_error = packets.MqttError("the broker refused a subscription")
        if not link.pending_subs and not link.up:
            self._set_up(link)

    async def _send_loop(self, link):
        """The stream's only writer: control packets first, then messages in their order."""
        while True:
            data = self._next_to_send(link)
            if data is None:
                link.wake.clear()
                await link.wake.wait()
            else:
                await link.write(data)

    def _next_to_send(self, link):
        if link.control:
            return link.control.pop(0)
        return self._outbox.next_packet(self._ticks_ms(), self.retransmit_s * 1000)

    async def _watch(self, link):
        """Every tick: connect timeout, then keep-alive and retransmissions due."""
        while True:
            await asyncio.sleep(self._tick_s())
            now = self._ticks_ms()
            if not link.up:
                if ticks_diff(now, link.started_ms) >= self.connect_timeout_s * 1000:
                    raise OSError("not up within %s s" % self.connect_timeout_s)
                continue
            self._keep_alive(link, now)
            if self._outbox.retransmit_due(now, self.retransmit_s * 1000):
                link.wake.set()

    def _keep_alive(self, link, now):
        # PINGREQ every keepalive_s / 2; one unanswered for keepalive_s means the link is dead
        # (a NAT that forgot us, a broker gone without a FIN): reading would hang for ever.
        if not self.keepalive_s:
            return
        if link.ping_ms is not None:
            if ticks_diff(now, link.ping_ms) >= self.keepalive_s * 1000:
                raise OSError("no PINGRESP within %d s" % self.keepalive_s)
        elif ticks_diff(now, link.pinged_ms) >= self.keepalive_s * 500:
            link.ping_ms = link.pinged_ms = now
            link.send(packets.pingreq())

    def _tick_s(self):
        tick = min(self.tick_s, self.retransmit_s / 2)
        return min(tick, self.keepalive_s / 4) if self.keepalive_s else tick

    async def _next_message(self):
        while not self._inbox:
            if self._closed:
                raise StopAsyncIteration
            self._inbox_ready.clear()
            await self._inbox_ready.wait()
        self._inbox_space.set()
        return self._inbox.pop(0)


class _Messages:
    """The async iterator that messages() returns: MicroPython has no async generators."""

    def __init__(self, client):
        self._client = client

    def __aiter__(self):
        return self

    async def __anext__(self):
        return await self._client._next_message()


def _full_will(will):
    # (topic, payload) is the status will of docs/protocol.md: QoS 1, retained.
    if will is None or len(will) == 4:
        return will
    topic, payload = will
    return (topic, payload, 1, True)
