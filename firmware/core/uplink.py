# The board's side of the MQTT link: journals events, publishes them while connected, and
# publishes every unacknowledged one again on reconnect and every resend_ms (protocol.md).
from firmware.core import wire
from firmware.core.actions import Publish
from firmware.core.journal import Journal

ONLINE = b'{"online": true}'
OFFLINE = b'{"online": false}'


class Uplink:
    resend_ms = 10000  # an unacknowledged event is published again this long after the last time

    def __init__(self, locker_id, key, journal=None):
        self.locker_id = locker_id
        self._key = key
        self.journal = journal if journal is not None else Journal()
        self.online = False
        self._sent_ms = {}  # seq -> when it was last published

    def will(self):
        return wire.topic(self.locker_id, "status"), OFFLINE

    def connected(self, now_ms):
        self.online = True
        status = Publish(wire.topic(self.locker_id, "status"), ONLINE, 1, True)
        return [status] + self._publish_all(self.journal.pending(), now_ms)

    def disconnected(self):
        self.online = False
        return []

    def record(self, kind, fields, now_ms):
        """Journal an event of type `kind` with `fields` (a dict); publish it if connected."""
        body = {"lkr": self.locker_id, "seq": 0, "t": now_ms, "type": kind}
        body.update(fields)
        self.journal.append(body)
        if not self.online:
            return []
        return self._publish_all([body], now_ms)

    def ack(self, seqs):
        self.journal.ack(seqs)
        for seq in seqs:
            self._sent_ms.pop(seq, None)

    def resend(self, now_ms):
        """Publish again the events unacknowledged resend_ms after their last publish."""
        if not self.online:
            return []
        due = [body for body in self.journal.pending() if self._is_due(body["seq"], now_ms)]
        return self._publish_all(due, now_ms)

    def _is_due(self, seq, now_ms):
        sent = self._sent_ms.get(seq)
        return sent is None or now_ms - sent >= self.resend_ms

    def _publish_all(self, bodies, now_ms):
        events = wire.topic(self.locker_id, "events")
        actions = []
        for body in bodies:
            actions.append(Publish(events, wire.sign(self._key, body), 1, False))
            self._sent_ms[body["seq"]] = now_ms
        return actions
