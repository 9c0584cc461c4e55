# The board's side of the MQTT link: journals events, publishes them while connected, and
# publishes every unacknowledged one again on reconnect and every resend_ms (protocol.md).
# Its status (online at every connect, offline as the last will) is signed and numbered by
# connection, so the cloud takes neither a forged one nor an old one replayed (protocol.md).
from firmware.core.actions import Publish
from firmware.core.journal import Journal
from protocol import wire

CONN_BLOCK = 64  # connection numbers taken per flash write; a reset skips what is left of them


class Uplink:
    resend_ms = 10000  # an unacknowledged event is published again this long after the last time

    def __init__(self, locker_id, key, journal=None):
        self.locker_id = locker_id
        self._key = key
        self.journal = journal if journal is not None else Journal()
        self.online = False
        self._sent_ms = {}  # seq -> when it was last published
        self._status_topic = wire.topic(locker_id, "status")
        self.restore_conn(1)

    def restore_conn(self, floor):
        """Every connection number below `floor` may have been used (kept on flash)."""
        if not isinstance(floor, int) or floor < 1:
            raise ValueError("bad connection number")
        self.conn_floor = floor
        self._conn = floor - 1  # the number of the current (or last) connection
        self._born = True  # its online status went out: the next connection needs a new number

    def will(self, now_ms):
        """(topic, payload) of the last will for the next connection attempt: offline, signed,
        under a number no connection had; conn_floor moves first (flash before it is used)."""
        self._new_conn()
        return self._status_topic, self._status(False, now_ms)

    def _new_conn(self):
        self._conn += 1
        if self._conn >= self.conn_floor:
            self.conn_floor = self._conn + CONN_BLOCK
        self._born = False

    def _status(self, online, now_ms):
        return wire.sign(
            self._key,
            {
                "lkr": self.locker_id,
                "t": now_ms,
                "type": "status",
                "online": online,
                "conn": self._conn,
            },
        )

    def connected(self, now_ms):
        self.online = True
        if self._born:  # connected without asking for a will: number this connection anyway
            self._new_conn()
        self._born = True
        status = Publish(self._status_topic, self._status(True, now_ms), 1, True)
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

    def sent_count(self):
        """How many events have a last-publish time kept (one per unacknowledged event)."""
        return len(self._sent_ms)

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
