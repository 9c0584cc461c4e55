# The board's flash: the controller's snapshot in one JSON file on littlefs, replaced
# atomically (write a temporary file, then rename over the old one). What the controller's
# durable_revision() covers is written at once, before the actions leave the board: a new
# journal entry, a door opening started (a PIN consumed: a power cut right after the pulse must
# not give it back) or first seen open. Other changes (acks, credentials, counters) are batched
# so a burst of commands costs one flash write, not dozens. The store reaches the flash through
# `files` (open and rename): littlefs on a board, a virtual flash in the simulator.
import json
import os

from firmware.drivers.ticks import ticks_diff


class FlashStore:
    batch_ms = 2000  # how long a non-urgent change may wait for company

    def __init__(self, directory, files=None):
        self.files = files if files is not None else Littlefs()
        self.path = directory + "/state.json"
        self._temporary = self.path + ".tmp"
        self._saved = None  # fingerprint of what is on flash
        self._dirty_since = None
        self.writes = 0

    def load_into(self, controller):
        """Restore the controller from flash; False when there is nothing (or nothing usable)."""
        blank = controller.snapshot()
        try:
            with self.files.open(self.path, "r") as f:
                controller.restore(json.load(f))
            _check(controller)
            loaded = True
        except Exception:  # first boot, or flash this firmware cannot read (garbage, too deep)
            controller.restore(blank)  # all or nothing: a half-restored counter or seq is worse
            loaded = False
        self._saved = _fingerprint(controller)  # nothing usable on flash means a blank board
        return loaded

    def after_event(self, controller, now_ms):
        """Call after every handled event, before carrying out its actions."""
        current = _fingerprint(controller)
        if current == self._saved:
            return
        if self._saved is None or current[0] != self._saved[0]:
            self.save(controller)  # on flash before it is published or the lock pulsed
        elif self._dirty_since is None:
            self._dirty_since = now_ms

    def flush_due(self, controller, now_ms):
        """Write batched changes once they have waited batch_ms."""
        if self._dirty_since is not None and ticks_diff(now_ms, self._dirty_since) >= self.batch_ms:
            self.save(controller)

    def flush(self, controller):
        """Write batched changes now, due or not: before a deliberate stop or reset."""
        if self._dirty_since is not None:
            self.save(controller)

    def save(self, controller):
        with self.files.open(self._temporary, "w") as f:
            json.dump(controller.snapshot(), f)  # streams to flash: no copy of it on the heap
        self.files.rename(self._temporary, self.path)  # littlefs and POSIX replace atomically
        self._saved = _fingerprint(controller)
        self._dirty_since = None
        self.writes += 1


class Littlefs:
    """The board's own filesystem, as the store uses it."""

    def open(self, path, mode):
        return open(path, mode)

    def rename(self, source, target):
        os.rename(source, target)  # looked up at each call: a test may swap `os` for a flaky one


def _check(controller):
    # A snapshot can parse and still hold the wrong kinds: a text counter or seq would crash
    # the first command or event instead of the boot.
    seq, counter = controller.next_seq(), controller.last_counter
    if not (_is_count(seq) and seq >= 1 and _is_count(counter)):
        raise ValueError("bad counter or seq")
    for body in controller.pending_events():
        if not (_is_count(body["seq"]) and body["seq"] < seq):
            raise ValueError("bad journal entry")


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _fingerprint(controller):
    # Every persistent change moves one of these: an event or a door opening (the durable
    # revision: urgent), an accepted command (counter) or an acknowledgement (pending count).
    return (
        controller.durable_revision(),
        controller.last_counter,
        len(controller.pending_events()),
    )
