"""The simulated board's network: paho-mqtt standing in for the board's own MQTT client."""
import logging

import paho.mqtt.client as mqtt

from protocol.broker_url import broker_address

log = logging.getLogger(__name__)


class MqttLink:
    """One persistent MQTT session: will, reconnect, subscriptions re-made on every connect."""

    def __init__(self, client_id, url, will, subscriptions, on_up, on_down, on_message):
        """`will`: a function returning the (topic, payload) of the last will, called before
        every connection attempt (the board signs and numbers each one)."""
        self.host, self.port = broker_address(url)
        self.subscriptions = subscriptions
        self.on_up, self.on_down, self.on_message = on_up, on_down, on_message
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=False)
        self.client.on_pre_connect = lambda client, userdata: client.will_set(*will(), qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=8)
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_message = lambda client, userdata, msg: self.on_message(msg.topic, msg.payload)

    def start(self):
        self.client.connect_async(self.host, self.port, keepalive=15)
        self.client.loop_start()

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, topic, payload, qos, retain):
        self.client.publish(topic, payload, qos=qos, retain=retain)

    def _connected(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("broker refused the board: %s", reason_code)
            return
        for topic in self.subscriptions:
            client.subscribe(topic, qos=1)
        self.on_up()

    def _disconnected(self, client, userdata, flags, reason_code, properties):
        self.on_down()
