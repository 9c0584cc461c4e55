# The board's flash: the controller's snapshot in one JSON file on littlefs, replaced
# atomically (write a temporary file, then rename over the old one). A new journal entry is
# written at once, before the event leaves the board; other changes (acks, credentials,
# counters) are batched so a burst of commands costs one flash write, not dozens.
import json
import os

from firmware.drivers.ticks import ticks_diff


class FlashStore:
    batch_ms = 2000  # how long a non-urgent change may wait for company

    def __init__(self, directory):
        self.path = directory + "/state.json"
        self._temporary = self.path + ".tmp"
        self._saved = None  # fingerprint of what is on flash
        self._dirty_since = None
        self.writes = 0

    def load_into(self, controller):
        """Restore the controller from flash; False when there is nothing (or nothing usable)."""
        try:
            with open(self.path) as f:
                controller.restore(json.load(f))
        except (OSError, ValueError, KeyError, TypeError):
            return False  # first boot, or a snapshot this firmware cannot read
        self._saved = _fingerprint(controller)
        return True

    def after_event(self, controller, now_ms):
        """Call after every handled event, before carrying out its actions."""
        current = _fingerprint(controller)
        if current == self._saved:
            return
        if self._saved is None or current[0] != self._saved[0]:
            self.save(controller)  # a new event: on flash before it is published
        elif self._dirty_since is None:
            self._dirty_since = now_ms

    def flush_due(self, controller, now_ms):
        """Write batched changes once they have waited batch_ms."""
        if self._dirty_since is not None and ticks_diff(now_ms, self._dirty_since) >= self.batch_ms:
            self.save(controller)

    def save(self, controller):
        with open(self._temporary, "w") as f:
            json.dump(controller.snapshot(), f)  # streams to flash: no copy of it on the heap
        os.rename(self._temporary, self.path)  # littlefs and POSIX replace atomically
        self._saved = _fingerprint(controller)
        self._dirty_since = None
        self.writes += 1


def _fingerprint(controller):
    # Every persistent change moves one of these: an event (next seq), an accepted command
    # (counter) or an acknowledgement (pending count).
    return (controller.next_seq(), controller.last_counter, len(controller.pending_events()))
