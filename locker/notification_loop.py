"""Sends queued notifications in the background of the cloud process."""
import logging
import threading

from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.services.notifications import dispatch_pending

log = logging.getLogger(__name__)


class NotificationLoop:
    interval_s = 0.5

    def __init__(self, engine, notifier, settings, clock=utcnow):
        self.engine, self.notifier, self.settings, self.clock = engine, notifier, settings, clock
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self):
        while not self._stopping.wait(self.interval_s):
            try:
                with transaction(self.engine) as session:
                    dispatch_pending(session, self.notifier, self.clock(), settings=self.settings)
            except Exception:
                log.exception("notification dispatch failed; retrying")
