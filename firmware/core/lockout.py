# Keypad back-off against PIN guessing (protocol.md, "Wrong PINs"). Wrong pickup attempts
# (a typed or scanned PIN that matches nothing, a QR code that does not open) are counted for
# the whole locker. The first free_attempts are free; from then on each failure closes the
# keypad for a window that doubles (2 s, 4 s, 8 s ... capped at 5 min), in which every attempt
# is refused without being checked, a right PIN and a courier code too: otherwise the back-off
# protects nothing. A pickup after the window resets the count, and so do forget_ms without a
# failure. The count is in the snapshot and moves the durable revision: pulling the plug after
# a wrong guess does not give the guess back.
#
# When a lockout starts or grows the board journals `pin_guessing` {"failures": n} so that the
# cloud raises an alarm: at once for the first lockout of a series, then at most once every
# report_ms, and only while the journal is less than half full, so a patient guesser on an
# offline board can never fill it and block pickups. Wrong courier codes (entries as long as
# one, wire.COURIER_CODE_MIN) count for the back-off like the rest and are also counted apart:
# from free_attempts of them on, `courier_guessing` is journaled instead, with its own rate.
from firmware.core import phrases
from firmware.core.actions import ERROR, Beep, Show

REPORTS = ("pin_guessing", "courier_guessing")  # by failed(courier=False / True)


class Lockout:
    free_attempts = 3
    first_wait_ms = 2000
    max_wait_ms = 300000  # 5 min
    forget_ms = 900000  # 15 min without a failure and the count starts again
    report_ms = 600000  # between two pin_guessing reports of one series

    def __init__(self, uplink, doors, lang=0):
        self._uplink = uplink
        self.lang = lang  # the locker's: the wait is told before any code is checked
        self._doors = doors
        self.failures = 0
        self.courier_failures = 0  # of the failures, wrong courier codes
        self._last_ms = 0  # when the last failure was counted
        self._reported_ms = [None, None]  # when this series was last reported, per REPORTS

    def wait_ms(self, now_ms):
        """How much longer the keypad refuses pickup attempts (0: it checks them)."""
        self._settle(now_ms)
        if self.failures < self.free_attempts:
            return 0
        return max(0, self._last_ms + self._window() - now_ms)

    def refusal(self, now_ms):
        """The actions refusing an attempt made now unchecked, or None when it may be checked."""
        wait = self.wait_ms(now_ms)
        if wait <= 0:
            return None
        text = phrases.say(self.lang, "Too many attempts - wait %d s")
        return [Show(text % ((wait + 999) // 1000)), Beep(ERROR)]

    def failed(self, now_ms, courier=False):
        """Count a wrong attempt (`courier`: a wrong courier code); the actions of its report,
        if one is due."""
        self._settle(now_ms)
        self.failures += 1
        self._last_ms = now_ms
        if courier:
            self.courier_failures += 1
        count = self.courier_failures if courier else self.failures
        if count < self.free_attempts:
            return []
        return self._report(now_ms, courier, count)

    def succeeded(self):
        """A pickup went through (after any window): the count starts again."""
        self.failures = self.courier_failures = 0
        self._reported_ms = [None, None]

    def dump(self):
        return [
            self.failures,
            self._last_ms,
            self._reported_ms[0],
            self.courier_failures,
            self._reported_ms[1],
        ]

    def load(self, data):
        """Take back dump(); None (a snapshot from before the lockout) is a clean slate, and
        one from before courier codes were counted apart has none."""
        data = (data or [0, 0, None]) + [0, None]
        self.failures, self._last_ms, pin_ms, self.courier_failures, courier_ms = data[:5]
        self._reported_ms = [pin_ms, courier_ms]

    def _settle(self, now_ms):
        if now_ms < self._last_ms:
            # the clock went back (a reset before the time was set): the window restarts now,
            # so it neither lasts for ever nor ends early
            self._last_ms = now_ms
        if self.failures and now_ms - self._last_ms >= self.forget_ms:
            self.succeeded()

    def _window(self):
        wait = self.first_wait_ms
        for _ in range(self.failures - self.free_attempts):
            wait *= 2
            if wait >= self.max_wait_ms:
                break
        return min(wait, self.max_wait_ms)

    def _report(self, now_ms, courier, count):
        last = self._reported_ms[courier]
        if last is not None and 0 <= now_ms - last < self.report_ms:
            return []
        journal = self._uplink.journal
        if journal.room() * 2 <= journal.capacity or journal.room() <= self._doors.in_flight():
            return []  # the rest of the journal belongs to deposits and pickups
        self._reported_ms[courier] = now_ms
        return self._uplink.record(REPORTS[courier], {"failures": count}, now_ms)
