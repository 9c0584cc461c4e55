"""A bridge worker: one MQTT session, one thread applying device messages, one relaying commands.

Workers are stateless apart from the database, so a city runs several of them with a share
group (MQTT shared subscriptions) and each event is still applied once (the inbox is unique on
locker and sequence) and in seq order: an event that overtook its predecessor (which another
worker is applying, or which is still on its way) is refused as OutOfOrder and kept here a few
seconds, tried again every RETRY_EVERY_S, without holding up the messages behind it. After
RETRY_FOR_S it is dropped: the board resends every unacknowledged event, in order, anyway.
"""

import logging
import queue
import threading
import time
import uuid

import paho.mqtt.client as mqtt

from bridge import inbound, topics
from bridge.relay import OutboxRelay, PublishFailed
from protocol import wire
from protocol.broker_url import broker_address, is_tls

log = logging.getLogger(__name__)

PUBACK_TIMEOUT_S = 5
RETRY_EVERY_S = 0.2  # an out-of-order event is tried again this often ...
RETRY_FOR_S = 3.0  # ... for this long, then dropped (the board resends it every 10 s)
MAX_DEFERRED = 1000  # out-of-order events held at once; beyond that they are dropped at once


class BridgeWorker:
    def __init__(
        self,
        broker_url,
        engine,
        clock,
        client_id=None,
        share_group=None,
        settings=None,
        identity=None,
    ):
        """`identity`: a BridgeIdentity (bridge/identity.py), required by an mqtts:// URL."""
        self.engine, self.clock, self.settings = engine, clock, settings
        self.host, self.port = broker_address(broker_url)
        if is_tls(broker_url) and identity is None:
            raise ValueError("a TLS broker (%s) needs the bridge's identity folder" % broker_url)
        self.identity = identity
        if identity is not None:
            client_id = identity.name  # the fleet broker insists: client id = certificate name
        self.share_group = share_group
        self.inbox = queue.Queue(maxsize=10000)
        self.monotonic = time.monotonic
        self._deferred = []  # [due, first tried, topic, payload] of out-of-order events
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.client = self._make_client(client_id or "bridge-" + uuid.uuid4().hex[:8])
        self.relay = OutboxRelay(engine, self._publish, clock)
        self._threads = [
            threading.Thread(target=self._apply_loop, name="bridge-apply", daemon=True),
            threading.Thread(
                target=self.relay.run,
                args=(self.stopping, self.connected.is_set),
                name="bridge-relay",
                daemon=True,
            ),
        ]

    def _make_client(self, client_id):
        # A persistent session: events published while this worker restarts wait in the broker.
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False
        )
        client.reconnect_delay_set(min_delay=1, max_delay=8)
        if self.identity is not None:
            self.identity.apply_to(client)
        client.on_connect = self._on_connect
        client.on_disconnect = lambda *args: self.connected.clear()
        client.on_message = lambda c, u, msg: self._enqueue(msg.topic, msg.payload)
        return client

    def start(self):
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        for thread in self._threads:
            thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.inbox.put(None)
        self.relay.wake.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("broker refused the bridge: %s", reason_code)
            return
        for topic in topics.subscriptions(self.share_group):
            client.subscribe(topic, qos=1)
        self.connected.set()
        self.relay.wake.set()
        log.info("bridge connected to %s:%d", self.host, self.port)

    def _enqueue(self, topic, payload):
        self.inbox.put(
            (topic, payload)
        )  # blocks paho's thread when full: backpressure to the broker

    def _apply_loop(self):
        while True:
            try:
                item = self.inbox.get(timeout=self._until_next_retry())
            except queue.Empty:
                item = ()
            if item is None:
                return
            if item:
                self.apply(*item)
            self.retry_due()

    def _until_next_retry(self):
        if not self._deferred:
            return None  # nothing waiting: block until a message comes
        return max(0.0, min(entry[0] for entry in self._deferred) - self.monotonic())

    def retry_due(self):
        """Try again the out-of-order events whose time has come."""
        now = self.monotonic()
        due = [entry for entry in self._deferred if entry[0] <= now]
        self._deferred = [entry for entry in self._deferred if entry[0] > now]
        for _, first_tried, topic, payload in due:
            self.apply(topic, payload, first_tried)

    def deferred(self):
        """How many out-of-order events are waiting to be tried again."""
        return len(self._deferred)

    def _defer(self, topic, payload, first_tried, gap):
        now = self.monotonic()
        first_tried = now if first_tried is None else first_tried
        if now - first_tried >= RETRY_FOR_S or len(self._deferred) >= MAX_DEFERRED:
            log.warning(
                "dropped out-of-order message on %s: %s (still missing after %.1f s; "
                "the board will resend it)",
                topic,
                gap,
                now - first_tried,
            )
            return
        log.info("deferred out-of-order message on %s: %s", topic, gap)
        self._deferred.append([now + RETRY_EVERY_S, first_tried, topic, payload])

    def _predecessor_applied(self, topic):
        # an event of this locker went in: what waits for it (on the same events topic, the
        # only one deferred) may go in now, not in 0.2 s
        for entry in self._deferred:
            if entry[2] == topic:
                entry[0] = 0.0

    def apply(self, topic, payload, first_tried=None):
        """One device message: applied, deferred (out of order), or logged and dropped; never
        an exception."""
        try:
            channel, locker_id = topics.route(topic)
            if channel == topics.EVENTS:
                inbound.handle_event(self.engine, locker_id, payload, self.clock(), self.settings)
                self.relay.wake.set()
                self._predecessor_applied(topic)
            elif channel == topics.INVENTORY:
                inbound.handle_inventory(self.engine, locker_id, payload, self.clock())
            elif channel == topics.TELEMETRY:
                inbound.handle_telemetry(self.engine, locker_id, payload, self.clock())
            else:
                inbound.handle_status(self.engine, locker_id, payload, self.clock(), self.settings)
        except inbound.OutOfOrder as gap:
            self._defer(topic, payload, first_tried, gap)
        except (wire.WireError, inbound.Rejected) as refusal:
            log.warning("dropped message on %s: %s", topic, refusal)
        except Exception:
            # The board keeps the event until it is acknowledged, so it will come again.
            log.exception("failed to apply message on %s; the board will resend it", topic)

    def _publish(self, topic, payload):
        info = self.client.publish(topic, payload, qos=1)
        try:
            info.wait_for_publish(PUBACK_TIMEOUT_S)
        except (RuntimeError, ValueError) as error:  # not queued: disconnected or queue full
            raise PublishFailed("%s not sent: %s" % (topic, error)) from None
        if not info.is_published():
            raise PublishFailed("no PUBACK for %s within %ss" % (topic, PUBACK_TIMEOUT_S))
