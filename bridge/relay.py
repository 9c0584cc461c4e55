"""The outbox relay: publishes the cloud's commands in order, one committed message at a time."""
import logging
import threading

from sqlmodel import Session

from cloud.services import outbox

log = logging.getLogger(__name__)


class PublishFailed(RuntimeError):
    pass


class OutboxRelay:
    """Seal (counter + signature), publish with QoS 1, mark sent only after the broker's PUBACK."""

    poll_s = 0.5  # rows the API process writes are found by polling; the bridge's own wake us

    def __init__(self, engine, publish, clock):
        self.engine, self.publish, self.clock = engine, publish, clock
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
            if sealed is None:
                session.commit()  # keeps the drops of expired rows
                return False
            try:
                self.publish(sealed.topic, sealed.payload)
            except PublishFailed:
                session.commit()  # keep its counter: the retry resends this very command
                raise
            outbox.mark_sent(session, sealed.message_id, self.clock())
            session.commit()
            return True

    def run(self, stopping, is_connected):
        while not stopping.is_set():
            self.wake.wait(self.poll_s)
            self.wake.clear()
            if not is_connected():
                continue
            try:
                self.relay_pending()
            except Exception:
                log.exception("outbox relay failed; retrying")
                stopping.wait(1)
