# An active buzzer (it has its own oscillator) switched by `pin`: a beep is a pattern of
# on/off spans played out by poll(), so the board loop never sleeps.
from firmware.drivers.ticks import ticks_diff


class Buzzer:
    # ms on, off, on, ...: a tick for a key, two chirps for ok, two long tones for a refusal
    patterns = {
        "key": (30,),
        "ok": (80, 60, 80),
        "error": (400, 100, 400),
    }

    def __init__(self, pin):
        self._pin = pin
        pin.value(0)  # silent at reset
        self._spans = ()  # type: tuple[int, ...]
        self._step = 0
        self._step_at = 0

    @property
    def busy(self):
        return self._step < len(self._spans)

    def beep(self, kind, now_ms):
        """Start `kind`'s pattern, cutting short any beep still playing."""
        spans = self.patterns.get(kind)
        if spans is None:
            return  # unknown kind: stay silent rather than crash the board loop
        self._spans = spans
        self._step = 0
        self._step_at = now_ms
        self._pin.value(1)

    def poll(self, now_ms):
        while self.busy and ticks_diff(now_ms, self._step_at) >= self._spans[self._step]:
            self._step_at += self._spans[self._step]  # from the planned edge: no drift
            self._step += 1
            self._pin.value(1 if self.busy and self._step % 2 == 0 else 0)
