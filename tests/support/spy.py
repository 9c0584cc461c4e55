"""A plain MQTT client for tests: sees what crosses the broker, and publishes what an attacker
would."""

import threading
import time
import uuid

import paho.mqtt.client as mqtt

from protocol.broker_url import broker_address


class MqttSpy:
    def __init__(self, broker_url, *subscriptions):
        self.messages = []  # (topic, payload)
        self._changed = threading.Condition()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id="spy-" + uuid.uuid4().hex[:8]
        )
        self.client.on_message = self._received
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.connect(*broker_address(broker_url))
        self.client.loop_start()
        if subscriptions:
            self.client.subscribe([(topic, 1) for topic in subscriptions])
            assert self._subscribed.wait(10), "spy not subscribed"

    def _received(self, client, userdata, msg):
        with self._changed:
            self.messages.append((msg.topic, msg.payload))
            self._changed.notify_all()

    def publish(self, topic, payload):
        self.client.publish(topic, payload, qos=1).wait_for_publish(10)

    def wait_for(self, predicate, timeout=15.0, what="a message"):
        """The first (topic, payload) satisfying predicate."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.messages:
                    if predicate(*message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("spy saw no " + what)
                self._changed.wait(left)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()
