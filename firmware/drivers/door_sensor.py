# A compartment's reed switch. Contacts bounce for a few ms when the door moves, so a change
# counts only once the level has held for debounce_ms; polled, so no interrupt is needed.
from firmware.drivers.ticks import ticks_diff

OPENED = "opened"
CLOSED = "closed"


class DoorSensor:
    debounce_ms = 50

    def __init__(self, pin, open_level=1):  # 1: reed to ground with a pull-up, magnet on door
        self._pin = pin
        self._open_level = open_level
        self.is_open = self._reads_open()  # the level at start-up is the state, not an event
        self._seen = self.is_open  # the last raw reading, and since when it has held
        self._seen_at = None

    def poll(self, now_ms):
        """OPENED or CLOSED once per debounced change, else None."""
        reading = self._reads_open()
        if reading != self._seen:
            self._seen = reading
            self._seen_at = now_ms  # every bounce restarts the window
            return None
        if reading == self.is_open or ticks_diff(now_ms, self._seen_at) < self.debounce_ms:
            return None
        self.is_open = reading
        return OPENED if reading else CLOSED

    def _reads_open(self):
        return self._pin.value() == self._open_level
