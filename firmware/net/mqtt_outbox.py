# What the board has to send: messages queued by publish(), and QoS 1 ones sent but not yet
# acknowledged (in flight). Pure bookkeeping, no I/O: the client's sender asks for the next
# packet. One bounded store for both, so a board cut off for hours holds a fixed amount of RAM.
from firmware.net import mqtt_packets as packets
from firmware.net.aio import ticks_diff


class Outbox:
    def __init__(self, limit):
        self.limit = limit
        self._queued = []  # [topic, payload, qos, retain], oldest first
        self._inflight = []  # [packet_id, topic, payload, retain, sent_ms or None], oldest first
        self._last_id = 0

    def __len__(self):
        return len(self._queued) + len(self._inflight)

    def put(self, topic, payload, qos, retain):
        """Queue a message; False when full. Bad topics raise here, not later in the sender."""
        if qos not in (0, 1):
            raise packets.MqttError("the board publishes with QoS 0 or 1")
        entry = [packets.check_topic_name(topic), packets.as_bytes(payload), qos, bool(retain)]
        if len(self) >= self.limit:
            return False
        self._queued.append(entry)
        return True

    def acked(self, packet_id):
        """The broker has the message `packet_id`: forget it. False if it was not in flight."""
        for i in range(len(self._inflight)):
            if self._inflight[i][0] == packet_id:
                del self._inflight[i]
                return True
        return False

    def reconnected(self):
        """A new connection: every message in flight goes out again, before anything new."""
        for entry in self._inflight:
            entry[4] = None

    def next_packet(self, now_ms, retransmit_ms):
        """The next PUBLISH to write, or None. Retransmissions first, so order is kept."""
        entry = self._due(now_ms, retransmit_ms)
        if entry is not None:
            entry[4] = now_ms
            return packets.publish(entry[1], entry[2], 1, entry[3], True, entry[0])
        if not self._queued:
            return None
        topic, payload, qos, retain = self._queued.pop(0)
        if not qos:
            return packets.publish(topic, payload, 0, retain)
        packet_id = self.new_id()
        self._inflight.append([packet_id, topic, payload, retain, now_ms])
        return packets.publish(topic, payload, 1, retain, False, packet_id)

    def retransmit_due(self, now_ms, retransmit_ms):
        """True if a message in flight waits to go out again."""
        return self._due(now_ms, retransmit_ms) is not None

    def _due(self, now_ms, retransmit_ms):
        for entry in self._inflight:
            if entry[4] is None or ticks_diff(now_ms, entry[4]) >= retransmit_ms:
                return entry
        return None

    def new_id(self):
        """A packet id (1-65535) that no message in flight uses."""
        busy = [entry[0] for entry in self._inflight]
        while True:
            self._last_id = self._last_id % 0xFFFF + 1
            if self._last_id not in busy:
                return self._last_id
