"""The reed switches: a change counts once it has held for debounce_ms; bounces are no events.
Each test drives one door of a bank (number 7); the last ones check the doors stay apart."""

from firmware.drivers.door_bank import CLOSED, OPENED, DoorBank
from tests.firmware.drivers.fakes import FakePin

DEBOUNCE = DoorBank.debounce_ms


class DoorSensor:
    """Door 7 of a one-door bank, as the tests of a single reed switch see it."""

    def __init__(self, pin, open_level=1):
        self.bank = DoorBank([7], [pin], open_level)

    @property
    def is_open(self):
        return self.bank.is_open(7)

    def poll(self, now_ms):
        changes = self.bank.poll(now_ms)
        assert len(changes) <= 1 and all(number == 7 for number, _ in changes)
        return changes[0][1] if changes else None


def test_the_level_at_start_up_is_the_state_and_no_event():
    pin = FakePin(1)
    sensor = DoorSensor(pin)
    assert sensor.is_open
    assert [sensor.poll(t) for t in range(0, 200, 10)] == [None] * 20


def test_an_opening_is_reported_once_after_it_has_held():
    pin = FakePin(0)
    sensor = DoorSensor(pin)
    pin.value(1)
    assert sensor.poll(1000) is None
    assert sensor.poll(1000 + DEBOUNCE - 1) is None
    assert not sensor.is_open
    assert sensor.poll(1000 + DEBOUNCE) == OPENED
    assert sensor.is_open
    assert sensor.poll(1000 + DEBOUNCE + 1) is None
    assert sensor.poll(5000) is None


def test_a_closing_is_reported_too():
    pin = FakePin(1)
    sensor = DoorSensor(pin)
    pin.value(0)
    sensor.poll(0)
    assert sensor.poll(DEBOUNCE) == CLOSED
    assert not sensor.is_open


def test_bounces_within_the_window_produce_no_event_and_restart_it():
    pin = FakePin(0)
    sensor = DoorSensor(pin)
    events = []
    for t, level in [(0, 1), (5, 0), (12, 1), (20, 0), (31, 1)]:  # contacts chattering
        pin.value(level)
        events.append(sensor.poll(t))
    events += [sensor.poll(t) for t in range(32, 31 + DEBOUNCE, 1)]
    assert set(events) == {None}
    assert sensor.poll(31 + DEBOUNCE) == OPENED


def test_a_glitch_shorter_than_the_window_is_ignored():
    pin = FakePin(0)
    sensor = DoorSensor(pin)
    pin.value(1)
    sensor.poll(0)
    pin.value(0)
    events = [sensor.poll(t) for t in range(10, 500, 10)]
    assert set(events) == {None} and not sensor.is_open


def test_open_level_zero_for_a_switch_that_closes_when_the_door_opens():
    pin = FakePin(1)
    sensor = DoorSensor(pin, open_level=0)
    assert not sensor.is_open
    pin.value(0)
    sensor.poll(0)
    assert sensor.poll(DEBOUNCE) == OPENED


def test_open_close_open_reports_each_change_once():
    pin = FakePin(0)
    sensor = DoorSensor(pin)
    events, t = [], 0
    for level in (1, 0, 1):
        pin.value(level)
        for _ in range(10):
            event = sensor.poll(t)
            if event:
                events.append(event)
            t += 10
    assert events == [OPENED, CLOSED, OPENED]


def test_each_door_of_a_bank_debounces_on_its_own():
    pins = [FakePin(0), FakePin(1), FakePin(0)]
    bank = DoorBank([3, 1, 2], pins)
    assert bank.open_doors() == [1] and bank.is_open(1) and not bank.is_open(3)
    pins[0].value(1)
    assert bank.poll(0) == []
    pins[1].value(0)
    assert bank.poll(20) == []
    assert bank.poll(DEBOUNCE) == [(3, OPENED)]
    assert bank.poll(20 + DEBOUNCE) == [(1, CLOSED)]
    assert bank.open_doors() == [3] and bank.poll(1000) == []


def test_a_window_across_the_ticks_wrap():
    pin = FakePin(0)
    bank = DoorBank([1], [pin])
    pin.value(1)
    start = (1 << 30) - 10  # ticks_ms wraps to 0 ten ms later
    assert bank.poll(start) == []
    assert bank.poll(DEBOUNCE - 11) == []
    assert bank.poll(DEBOUNCE - 10) == [(1, OPENED)]
