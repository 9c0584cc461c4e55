# The board's flash: the controller's state in two files on littlefs, each replaced atomically
# (write a temporary file, then rename over the old one). state.json holds everything but the
# packed credential records, and of those only the slots changed since they were last written
# whole: it is small, so writing it before a pulse costs a few milliseconds, not the tens that
# a whole snapshot with 500 credentials took. state.json.records holds the records whole, in
# hex; it is written batched, before state.json, and state.json's changed slots win over it at
# load. What the controller's durable_revision() covers is written at once, before the actions
# leave the board: a new journal entry, a door opening started (a PIN consumed: a power cut
# right after the pulse must not give it back) or first seen open. Other changes (acks,
# credentials, counters) are batched so a burst of commands costs one flash write, not dozens.
# The store reaches the flash through `files` (open and rename): littlefs on a board, a virtual
# flash in the simulator.
import json
import os
from binascii import hexlify, unhexlify

from firmware.drivers.ticks import ticks_diff

_CHUNK = 256  # record bytes per hex line read or written: bounded heap whatever the count


class FlashStore:
    batch_ms = 2000  # how long a non-urgent change may wait for company

    def __init__(self, directory, files=None):
        self.files = files if files is not None else Littlefs()
        self.path = directory + "/state.json"
        self.records_path = self.path + ".records"
        self._saved = None  # fingerprint of what is on flash
        self._records_on_flash = False  # does state.json's base, the records file, match?
        self._dirty_since = None
        self.writes = 0  # of state.json: one per save
        self.record_writes = 0  # of the records file, batched

    def load_into(self, controller):
        """Restore the controller from flash; False when there is nothing (or nothing usable)."""
        blank = controller.snapshot()
        try:
            with self.files.open(self.path, "r") as f:
                data = json.load(f)
            whole = "pickups" in data.get("credentials", {})  # written before the records file
            controller.restore(data, None if whole else self._read_records())
            _check(controller)
            loaded, self._records_on_flash = True, not whole
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
            # on flash before it is published or the lock pulsed
            self._save_urgent(controller, now_ms)
        elif self._dirty_since is None:
            self._dirty_since = now_ms

    def flush_due(self, controller, now_ms):
        """Write batched changes once they have waited batch_ms."""
        if self._dirty_since is None and controller.records_changed():
            self._dirty_since = now_ms  # changed slots written at once wait for the whole
        if self._dirty_since is not None and ticks_diff(now_ms, self._dirty_since) >= self.batch_ms:
            self.save(controller)

    def owes(self):
        """True while a batched change waits for its write."""
        return self._dirty_since is not None

    def flush(self, controller):
        """Write batched changes now, due or not: before a deliberate stop or reset."""
        if self._dirty_since is not None or controller.records_changed():
            self.save(controller)

    def save(self, controller):
        """Write everything: the records whole if they changed, then the state."""
        if controller.records_changed() or not self._records_on_flash:
            self._write_records(controller)
        self._write_state(controller)
        self._dirty_since = None

    def _save_urgent(self, controller, now_ms):
        if not self._records_on_flash:
            self.save(controller)  # nothing on flash the changed slots could apply to
            return
        self._write_state(controller)  # batched changes ride along; changed slots in it too,
        if not controller.records_changed():  # while the records whole wait for the batch
            self._dirty_since = None
        elif self._dirty_since is None:
            self._dirty_since = now_ms

    def _write_state(self, controller):
        with self.files.open(self._temporary(self.path), "w") as f:
            json.dump(controller.snapshot(False), f)  # small: the records are apart
        self.files.rename(self._temporary(self.path), self.path)  # littlefs and POSIX: atomic
        self._saved = _fingerprint(controller)
        self.writes += 1

    def _write_records(self, controller):
        with self.files.open(self._temporary(self.records_path), "w") as f:
            pickups, returns = controller.records()
            f.write("%d %d\n" % (len(pickups), len(returns)))
            for records in (pickups, returns):
                for start in range(0, len(records), _CHUNK):
                    f.write(hexlify(records[start : start + _CHUNK]).decode())
        self.files.rename(self._temporary(self.records_path), self.records_path)
        controller.records_saved()
        self._records_on_flash = True
        self.record_writes += 1

    def _read_records(self):
        with self.files.open(self.records_path, "r") as f:
            sizes = [int(n) for n in f.readline().split()]
            if len(sizes) != 2:
                raise ValueError("bad records file")
            return tuple(_read_hex(f, size) for size in sizes)

    def _temporary(self, path):
        return path + ".tmp"


def _read_hex(f, size):
    records = bytearray(size)
    for start in range(0, size, _CHUNK):
        length = min(_CHUNK, size - start)
        chunk = unhexlify(f.read(2 * length))
        if len(chunk) != length:
            raise ValueError("records file cut short")
        records[start : start + length] = chunk
    return records


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
