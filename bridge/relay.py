"""The outbox relay: publishes the cloud's commands in order, each sealed once.

No database transaction stays open while the relay waits for the broker: a command is sealed
(its counter assigned and stored) in one short transaction, published, then marked sent in
another. A retry after a failed publish resends the very same command, so the board either
applies it once or refuses it as a replay. Only one relay publishes at a time (a PostgreSQL
advisory lock), because two relays could otherwise deliver one board's counters out of order.
"""

import logging
import threading

from sqlalchemy import text
from sqlmodel import Session

from cloud.services import outbox

log = logging.getLogger(__name__)

# The advisory lock that makes one relay the publisher: one per schema, since the outbox is.
TAKE_RELAY_LOCK = text(
    "SELECT pg_try_advisory_lock(hashtext('openlocker-relay:' || current_schema()))"
)


class PublishFailed(RuntimeError):
    pass


class RelayLease:
    """Whether this relay may publish: always on SQLite, the advisory-lock holder on PostgreSQL."""

    def __init__(self, engine):
        self.engine = engine
        self._connection = None

    def held(self):
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            return self._hold()
        except Exception:
            log.warning("lost the relay lease's connection; will try again", exc_info=True)
            self.release()
            return False

    def _hold(self):
        if self._connection is None:
            self._connection = self.engine.connect()
            got = self._connection.execute(TAKE_RELAY_LOCK).scalar()
            self._connection.commit()
            if not got:
                self.release()
                return False
            log.info("this bridge worker now relays the outbox")
        self._connection.execute(text("SELECT 1"))  # the lock lives as long as this connection
        self._connection.commit()
        return True

    def release(self):
        if self._connection is not None:
            # Invalidate, not close: a pooled connection would live on and keep the lock.
            self._connection.invalidate()
            self._connection.close()
            self._connection = None


class OutboxRelay:
    poll_s = 0.5  # rows the API process writes are found by polling; the bridge's own wake us

    def __init__(self, engine, publish, clock):
        self.engine, self.publish, self.clock = engine, publish, clock
        self.lease = RelayLease(engine)
        self.wake = threading.Event()

    def relay_pending(self):
        """Publish everything due now; the number of messages sent."""
        sent = 0
        while self._relay_one():
            sent += 1
        return sent

    def _relay_one(self):
        with Session(self.engine) as session:
            sealed = outbox.next_sealed(session, self.clock())
            session.commit()  # the counter is stored with the row before anything is sent
        if sealed is None:
            return False
        self.publish(sealed.topic, sealed.payload)
        with Session(self.engine) as session:
            outbox.mark_sent(session, sealed.message_id, self.clock())
            session.commit()
        return True

    def run(self, stopping, is_connected):
        while not stopping.is_set():
            self.wake.wait(self.poll_s)
            self.wake.clear()
            if not is_connected() or not self.lease.held():
                continue
            try:
                self.relay_pending()
            except Exception:
                log.exception("outbox relay failed; retrying")
                stopping.wait(1)
        self.lease.release()
