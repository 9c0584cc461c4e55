"""The solenoids: bounded pulses, a cool-down that defers (never drops) a pulse, off at reset.
Each test drives one lock of a bank (number 5); the last ones check the locks stay apart."""

from hypothesis import given
from hypothesis import strategies as st

from firmware.drivers.lock_bank import LockBank
from tests.firmware.drivers.fakes import FakePin


class SolenoidLock:
    """Lock 5 of a one-lock bank, as the tests of a single solenoid see it."""

    max_pulse_ms = LockBank.max_pulse_ms
    cooldown_ms = LockBank.cooldown_ms

    def __init__(self, pin):
        self.bank = LockBank([5], [pin])

    @property
    def energised(self):
        return self.bank.energised(5)

    @property
    def pending(self):
        return self.bank.deferred(5)

    def pulse(self, ms, now_ms):
        return self.bank.pulse(5, ms, now_ms)

    def poll(self, now_ms):
        self.bank.poll(now_ms)

    def off(self, now_ms=None):
        self.bank.off(5, now_ms)


def make_lock(level=0):
    pin = FakePin(level)
    return SolenoidLock(pin), pin


def test_the_output_is_off_at_construction_even_if_the_pin_was_left_high():
    lock, pin = make_lock(level=1)
    assert pin.level == 0
    assert pin.history == [0]
    assert not lock.energised


def test_a_pulse_energises_until_it_is_due():
    lock, pin = make_lock()
    assert lock.pulse(300, now_ms=1000)
    lock.poll(1299)
    assert pin.level == 1 and lock.energised
    lock.poll(1300)
    assert pin.level == 0 and not lock.energised


def test_a_pulse_longer_than_the_coil_rating_is_clamped():
    lock, pin = make_lock()
    lock.pulse(60000, now_ms=0)
    lock.poll(SolenoidLock.max_pulse_ms - 1)
    assert pin.level == 1
    lock.poll(SolenoidLock.max_pulse_ms)
    assert pin.level == 0


def test_empty_or_negative_pulses_do_nothing():
    lock, pin = make_lock()
    assert not lock.pulse(0, now_ms=0)
    assert not lock.pulse(-5, now_ms=0)
    assert pin.history == [0] and not lock.pending


def test_a_pulse_asked_during_the_cool_down_fires_when_it_ends():
    lock, pin = make_lock()
    lock.pulse(300, now_ms=0)
    lock.poll(300)  # off at 300: cool-down until 300 + cooldown_ms
    assert not lock.pulse(200, now_ms=400)
    assert lock.pending and pin.level == 0
    ready = 300 + SolenoidLock.cooldown_ms
    lock.poll(ready - 1)
    assert pin.level == 0
    lock.poll(ready)
    assert pin.level == 1 and not lock.pending
    lock.poll(ready + 199)
    assert pin.level == 1
    lock.poll(ready + 200)
    assert pin.level == 0
    assert pin.history == [0, 1, 0, 1, 0]


def test_a_pulse_asked_while_energised_is_deferred_not_stretched():
    lock, pin = make_lock()
    lock.pulse(300, now_ms=0)
    assert not lock.pulse(300, now_ms=100)
    lock.poll(300)
    assert pin.level == 0 and lock.pending


def test_deferred_requests_collapse_into_one_pulse_of_the_longest():
    lock, pin = make_lock()
    lock.pulse(100, now_ms=0)
    lock.poll(100)
    for ms in (200, 500, 300):
        lock.pulse(ms, now_ms=150)
    ready = 100 + SolenoidLock.cooldown_ms
    lock.poll(ready)
    lock.poll(ready + 499)
    assert pin.level == 1
    lock.poll(ready + 500)
    lock.poll(ready + 10 * SolenoidLock.cooldown_ms)
    assert pin.history == [0, 1, 0, 1, 0]


def test_off_cuts_a_pulse_and_forgets_what_was_pending():
    lock, pin = make_lock()
    lock.pulse(800, now_ms=0)
    lock.pulse(800, now_ms=10)
    lock.off(now_ms=20)
    assert pin.level == 0 and not lock.energised and not lock.pending
    lock.poll(10 * SolenoidLock.cooldown_ms)
    assert pin.level == 0


def test_after_off_without_a_clock_the_cool_down_starts_at_the_next_call():
    lock, pin = make_lock()
    lock.pulse(800, now_ms=0)
    lock.off()
    assert not lock.pulse(300, now_ms=50)  # the cool-down began at 50
    lock.poll(50 + SolenoidLock.cooldown_ms - 1)
    assert pin.level == 0
    lock.poll(50 + SolenoidLock.cooldown_ms)
    assert pin.level == 1


def test_timing_survives_the_ticks_wrap():
    lock, pin = make_lock()
    start = (1 << 30) - 100  # ticks_ms wraps to 0 a hundred ms later
    lock.pulse(300, now_ms=start)
    lock.poll(150)  # 250 ms after start, across the wrap
    assert pin.level == 1
    lock.poll(200)
    assert pin.level == 0


def test_timing_attributes_can_be_tuned_per_instance():
    lock, pin = make_lock()
    lock.bank.max_pulse_ms = 200
    lock.pulse(1000, now_ms=0)
    lock.poll(200)
    assert pin.level == 0


def test_the_locks_of_a_bank_pulse_and_cool_down_on_their_own():
    pins = [FakePin(0), FakePin(0)]
    bank = LockBank([2, 9], pins)
    assert bank.pulse(9, 300, now_ms=0) and bank.energised(9) and not bank.energised(2)
    assert bank.pulse(2, 100, now_ms=50)  # the other lock's pulse does not defer this one
    bank.poll(150)
    assert [pin.level for pin in pins] == [0, 1]
    bank.poll(300)
    assert [pin.level for pin in pins] == [0, 0]
    assert not bank.pulse(2, 100, now_ms=400) and bank.deferred(2) and not bank.deferred(9)
    assert not bank.pulse(4, 100, now_ms=400)  # no lock 4 on this bank: nothing is driven


def test_all_off_releases_every_lock_even_if_one_pin_fails():
    class DeadPin(FakePin):
        def value(self, level=None):
            if level == 0 and self.level:
                raise OSError("expander not answering")
            return super().value(level)

    pins = [FakePin(0), DeadPin(0), FakePin(0)]
    bank = LockBank([1, 2, 3], pins)
    for number in (1, 2, 3):
        bank.pulse(number, 500, now_ms=0)
    bank.all_off()
    assert [pin.level for pin in pins] == [0, 1, 0]


@given(st.lists(st.tuples(st.integers(1, 400), st.integers(-50, 3000)), max_size=30))
def test_the_coil_is_never_on_too_long_nor_pulsed_too_soon(requests):
    """Whatever is asked and when, polled every 10 ms: each energised span is at most
    max_pulse_ms (plus one poll period) and the rest between spans is at least cooldown_ms."""
    lock, pin = make_lock()
    spans, on_since, now = [], None, 0
    for gap, ms in requests:
        for _ in range(gap // 10 + 1):
            now += 10
            lock.poll(now)
            on_since, spans = _track(pin, now, on_since, spans)
        lock.pulse(ms, now)
        on_since, spans = _track(pin, now, on_since, spans)
    for _ in range(1000):
        now += 10
        lock.poll(now)
        on_since, spans = _track(pin, now, on_since, spans)
    assert on_since is None and not lock.pending
    for start, end in spans:
        assert end - start <= SolenoidLock.max_pulse_ms + 10
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start - end >= SolenoidLock.cooldown_ms


def _track(pin, now, on_since, spans):
    if pin.level and on_since is None:
        return now, spans
    if not pin.level and on_since is not None:
        return None, spans + [(on_since, now)]
    return on_since, spans
