"""Sends queued notifications in the background of the cloud process: one loop for every
channel (email, SMS, carrier webhooks); a failed message waits out its backoff."""

import logging
import threading

from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.notify.channels import channels_from
from cloud.services.notifications import dispatch_pending

log = logging.getLogger(__name__)


class NotificationLoop:
    interval_s = 0.5

    def __init__(self, engine, notifier, settings, clock=utcnow):
        """notifier: a cloud.notify.channels.Channels, any object with send(channel,
        recipient, message), or None for the channels the settings configure."""
        self.engine, self.settings, self.clock = engine, settings, clock
        self.notifier = notifier if notifier is not None else channels_from(settings)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join(timeout=15)  # a send in progress may take its channel's timeout

    def run_once(self):
        """Send what is due now; the number sent (the thread's step; tests call it directly)."""
        with transaction(self.engine) as session:
            return dispatch_pending(session, self.notifier, self.clock(), settings=self.settings)

    def _run(self):
        while not self._stopping.wait(self.interval_s):
            try:
                self.run_once()
            except Exception:
                log.exception("notification dispatch failed; retrying")
