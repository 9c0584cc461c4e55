# The bank's reed switches, one per compartment door. Contacts bounce for a few ms when a door
# moves, so a change counts only once the level has held for debounce_ms; polled, so no
# interrupt is needed. One object for all the doors, their state in bytearrays and a list of
# small ints: 24 sensor objects cost ~2.5 KB of a board's heap (measured figures in the commit).
from firmware.drivers.ticks import ticks_diff

try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


OPENED = "opened"
CLOSED = "closed"

# ticks_diff works mod 2**30: a tick kept so stays a small int, no heap object on a board
_TICKS_MASK = const(0x3FFFFFFF)


class DoorBank:
    debounce_ms = 50

    def __init__(self, numbers, pins, open_level=1):
        """`numbers[i]` is the compartment whose reed is on `pins[i]`; open_level 1: reed to
        ground with a pull-up, magnet on the door."""
        self.numbers = tuple(numbers)
        self._pins = tuple(pins)
        self._open_level = open_level
        # the levels at start-up are the state, not events
        self._open = bytearray(self._reads_open(i) for i in range(len(self._pins)))
        self._seen = bytearray(self._open)  # each door's last raw reading...
        self._seen_at = [0] * len(self._pins)  # ...and since when it has held

    def is_open(self, number):
        return self._open[self.numbers.index(number)] == 1

    def open_doors(self):
        """The numbers of the doors open now (debounced)."""
        return [n for i, n in enumerate(self.numbers) if self._open[i]]

    def poll(self, now_ms):
        """[(number, OPENED or CLOSED)], once per debounced change of a door."""
        changes = []
        for i in range(len(self._pins)):
            change = self._poll(i, now_ms)
            if change:
                changes.append((self.numbers[i], change))
        return changes

    def _poll(self, i, now_ms):
        reading = self._reads_open(i)
        if reading != self._seen[i]:
            self._seen[i] = reading
            self._seen_at[i] = now_ms & _TICKS_MASK  # every bounce restarts the window
            return None
        if reading == self._open[i] or ticks_diff(now_ms, self._seen_at[i]) < self.debounce_ms:
            return None
        self._open[i] = reading
        return OPENED if reading else CLOSED

    def _reads_open(self, i):
        return 1 if self._pins[i].value() == self._open_level else 0
