"""What a simulated board has beside its locker bank (virtual_bank.py): the display a person
reads, its clock, the system facts telemetry reports, and a watchdog."""

import time


class VirtualPanel:
    """The keypad's display and buzzer, as lines a test or a person can read."""

    def __init__(self, echo=None):
        self.lines = []
        self.beeps = []
        self.echo = echo

    def show(self, text):
        self.lines.append(text)
        if self.echo:
            self.echo(text)

    def beep(self, kind):
        self.beeps.append(kind)

    @property
    def text(self):
        return self.lines[-1] if self.lines else ""


class HostClock:
    """The board's clock from the host's: ticks wrap at 2**30 as on a board; the wall time
    comes from `wall_ms` (a test may move it)."""

    def __init__(self, wall_ms):
        self._wall_ms = wall_ms

    def ticks_ms(self):
        return int(time.monotonic() * 1000) % (1 << 30)

    def wall_ms(self):
        return self._wall_ms()


class HostSystem:
    """What telemetry reports: a simulated board has no heap of its own; an ESP32's is given."""

    free_heap_bytes = 110000

    def free_heap(self):
        return self.free_heap_bytes

    def rssi(self):
        return -55

    def reset_cause(self):
        return "power-on"


class CountingWatchdog:
    """Nothing resets a simulated board; the feeds are counted so a stalled task shows."""

    def __init__(self):
        self.feeds = 0

    def feed(self):
        self.feeds += 1
