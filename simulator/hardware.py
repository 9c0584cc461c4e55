"""Virtual parts of a locker bank: what a person touches and what the board drives."""


class VirtualLock:
    """A solenoid latch: a pulse releases it for the pulse's length, then it holds again."""

    max_pulse_ms = 1000  # the rated maximum; the board must never ask for more

    def __init__(self):
        self.released_until_ms = 0
        self.pulses = 0

    def pulse(self, ms, now_ms):
        self.pulses += 1
        self.released_until_ms = now_ms + min(ms, self.max_pulse_ms)

    def released(self, now_ms, grace_ms=0):
        return now_ms <= self.released_until_ms + grace_ms


class VirtualDoor:
    """A compartment door with its reed switch; it can only be pulled open while released."""

    def __init__(self, lock):
        self.lock = lock
        self.is_open = False
        self.jammed = False  # a fault the simulator can inject: the latch never releases

    def pull(self, now_ms, grace_ms):
        if self.is_open or self.jammed or not self.lock.released(now_ms, grace_ms):
            return False
        self.is_open = True
        return True

    def push_shut(self):
        was_open, self.is_open = self.is_open, False
        return was_open


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
