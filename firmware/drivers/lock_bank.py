# The bank's solenoids, one per compartment, each driven through a low-side MOSFET on its pin.
# A coil is only ever energised for a bounded pulse (DESIGN invariant 5), and never again before
# it has cooled. One object for all the locks, their state in a bytearray and lists of small
# ints: 24 lock objects cost ~2.5 KB of a board's heap (measured figures in the commit).
from firmware.drivers.ticks import ticks_diff

try:
    from micropython import const  # mpy-cross inlines _X = const(n): no name on the board
except ImportError:  # CPython

    def const(value):  # type: ignore[misc]  # the stubs type it generically
        return value


# ticks_diff works mod 2**30: a tick kept so stays a small int, no heap object on a board
_TICKS_MASK = const(0x3FFFFFFF)
# a lock's flags
_ENERGISED = const(1)
_COOLING = const(2)  # the last pulse ended at _at: the cool-down runs from there
_OFF_UNTIMED = const(4)  # off() had no clock: the cool-down starts at the next call


class LockBank:
    max_pulse_ms = 1000  # the coil's rating: a longer pulse is clamped, never honoured
    cooldown_ms = 2000  # rest between pulses: the coil heats, and the supply sags on bursts

    def __init__(self, numbers, pins):
        """`numbers[i]` is the compartment whose lock is on `pins[i]`."""
        self.numbers = tuple(numbers)
        self._pins = tuple(pins)
        for pin in self._pins:
            pin.value(0)  # safe at reset: a lock is never open because the board rebooted
        n = len(self._pins)
        self._flags = bytearray(n)
        # energised: when the pulse is due to end; cooling: when the last pulse ended (a lock
        # is never both, so one list serves)
        self._at = [0] * n
        self._pending_ms = [0] * n  # a pulse asked too soon, fired after the cool-down

    # what only tests ask (the board's build strips both: fleet/board_strip.py)

    def energised(self, number):
        return self._flags[self.numbers.index(number)] & _ENERGISED != 0

    def deferred(self, number):
        """True while a pulse asked too soon waits for the cool-down."""
        return self._pending_ms[self.numbers.index(number)] > 0

    def pulse(self, number, ms, now_ms):
        """Energise lock `number` for ms (clamped); True if it fired now, False if deferred,
        ignored, or the bank has no such lock."""
        ms = min(ms, self.max_pulse_ms)
        if ms <= 0 or number not in self.numbers:
            return False
        i = self.numbers.index(number)
        if self._flags[i] & _ENERGISED or self._cooling(i, now_ms):
            self._pending_ms[i] = max(self._pending_ms[i], ms)  # requests collapse into one
            return False
        self._start(i, ms, now_ms)
        return True

    def poll(self, now_ms):
        """Call often: ends the pulses that are due and fires deferred ones after the cool-down."""
        for i in range(len(self._pins)):
            if self._flags[i] & _ENERGISED or self._pending_ms[i]:  # idle locks cost one test
                self._poll(i, now_ms)

    def off(self, number, now_ms=None):
        """Emergency stop: de-energise lock `number` now and forget any deferred pulse."""
        i = self.numbers.index(number)
        self._pins[i].value(0)
        self._pending_ms[i] = 0
        if self._flags[i] & _ENERGISED:
            if now_ms is None:
                self._flags[i] = _OFF_UNTIMED
            else:
                self._flags[i] = _COOLING
                self._at[i] = now_ms & _TICKS_MASK

    def all_off(self):
        """Every lock off: the safe state when the runtime stops."""
        for number in self.numbers:
            try:
                self.off(number)
            except OSError:  # one expander not answering must not keep the others' locks on
                pass

    def _poll(self, i, now_ms):
        if self._flags[i] & _ENERGISED and ticks_diff(now_ms, self._at[i]) >= 0:
            self._stop(i, now_ms)
        if self._pending_ms[i] and not self._flags[i] & _ENERGISED and not self._cooling(i, now_ms):
            ms, self._pending_ms[i] = self._pending_ms[i], 0
            self._start(i, ms, now_ms)

    def _cooling(self, i, now_ms):
        if self._flags[i] & _OFF_UNTIMED:
            self._flags[i] = _COOLING
            self._at[i] = now_ms & _TICKS_MASK
        return self._flags[i] & _COOLING != 0 and ticks_diff(now_ms, self._at[i]) < self.cooldown_ms

    def _start(self, i, ms, now_ms):
        self._flags[i] = _ENERGISED
        self._at[i] = (now_ms + ms) & _TICKS_MASK
        self._pins[i].value(1)

    def _stop(self, i, now_ms):
        self._pins[i].value(0)
        self._flags[i] = _COOLING
        self._at[i] = now_ms & _TICKS_MASK
