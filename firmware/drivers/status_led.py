# The board's status LED: steady on or off, or blinking, played out by poll().
from firmware.drivers.ticks import ticks_diff


class StatusLed:
    blink_on_ms = 100  # short flashes read as "alive" without lighting the room
    blink_off_ms = 900

    def __init__(self, pin):
        self._pin = pin
        self._lit = False
        self._blink = None  # (since, on_ms, off_ms) while blinking
        pin.value(0)

    def on(self):
        self._blink = None
        self._set(True)

    def off(self):
        self._blink = None
        self._set(False)

    def blink(self, now_ms, on_ms=None, off_ms=None):
        on_ms = self.blink_on_ms if on_ms is None else on_ms
        off_ms = self.blink_off_ms if off_ms is None else off_ms
        if on_ms < 0 or off_ms < 0 or on_ms + off_ms == 0:
            raise ValueError("blink spans must be >= 0 and not both 0")
        self._blink = (now_ms, on_ms, off_ms)
        self._set(on_ms > 0)

    @property
    def lit(self):
        return self._lit

    def poll(self, now_ms):
        if self._blink is not None:
            since, on_ms, off_ms = self._blink
            self._set(ticks_diff(now_ms, since) % (on_ms + off_ms) < on_ms)

    def _set(self, lit):
        if lit != self._lit:  # write only on a change
            self._lit = lit
            self._pin.value(1 if lit else 0)
