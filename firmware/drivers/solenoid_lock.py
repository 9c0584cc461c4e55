# A compartment's solenoid, driven through a low-side MOSFET on `pin`. The coil is only ever
# energised for a bounded pulse (DESIGN invariant 5), and never again before it has cooled.
from firmware.drivers.ticks import ticks_diff

_NEXT_CALL = object()


class SolenoidLock:
    max_pulse_ms = 1000  # the coil's rating: a longer pulse is clamped, never honoured
    cooldown_ms = 2000  # rest between pulses: the coil heats, and the supply sags on bursts

    def __init__(self, pin):
        self._pin = pin
        pin.value(0)  # safe at reset: a lock is never open because the board rebooted
        self._on_at = None  # when the current pulse began; None while de-energised
        self._on_ms = 0
        self._off_at = None  # when the last pulse ended, for the cool-down
        self._pending_ms = 0  # a pulse asked for too soon, fired when the cool-down ends

    @property
    def energised(self):
        return self._on_at is not None

    @property
    def pending(self):
        return self._pending_ms > 0

    def pulse(self, ms, now_ms):
        """Energise for ms (clamped); True if it fired now, False if deferred or ignored."""
        ms = min(ms, self.max_pulse_ms)
        if ms <= 0:
            return False
        if self.energised or self._cooling(now_ms):
            self._pending_ms = max(self._pending_ms, ms)  # requests collapse into one pulse
            return False
        self._start(ms, now_ms)
        return True

    def poll(self, now_ms):
        """Call often: ends a pulse when due and fires a deferred one after the cool-down."""
        if self.energised and ticks_diff(now_ms, self._on_at) >= self._on_ms:
            self._stop(now_ms)
        if self._pending_ms and not self.energised and not self._cooling(now_ms):
            ms, self._pending_ms = self._pending_ms, 0
            self._start(ms, now_ms)

    def off(self, now_ms=None):
        """Emergency stop: de-energise now and forget any deferred pulse."""
        self._pin.value(0)
        self._pending_ms = 0
        if self.energised:
            self._on_at = None
            self._off_at = _NEXT_CALL if now_ms is None else now_ms

    def _cooling(self, now_ms):
        if self._off_at is _NEXT_CALL:
            self._off_at = now_ms  # off() had no clock: the cool-down starts at the next call
        return self._off_at is not None and ticks_diff(now_ms, self._off_at) < self.cooldown_ms

    def _start(self, ms, now_ms):
        self._on_at = now_ms
        self._on_ms = ms
        self._pin.value(1)

    def _stop(self, now_ms):
        self._pin.value(0)
        self._on_at = None
        self._off_at = now_ms
