"""The status LED: on, off, or blinking as poll() is called."""

import pytest

from firmware.drivers.status_led import StatusLed
from tests.firmware.drivers.fakes import FakePin


def test_off_at_construction():
    pin = FakePin(1)
    led = StatusLed(pin)
    assert pin.level == 0 and not led.lit


def test_on_and_off_are_steady():
    pin = FakePin()
    led = StatusLed(pin)
    led.on()
    for t in range(0, 5000, 100):
        led.poll(t)
    assert pin.level == 1
    led.off()
    led.poll(6000)
    assert pin.level == 0


def test_blink_follows_its_spans():
    pin = FakePin()
    led = StatusLed(pin)
    led.blink(1000, on_ms=100, off_ms=300)
    seen = []
    for t in range(1000, 1800, 50):
        led.poll(t)
        seen.append(pin.level)
    assert seen == [1, 1, 0, 0, 0, 0, 0, 0] * 2


def test_blink_defaults_come_from_the_class():
    pin = FakePin()
    led = StatusLed(pin)
    led.blink(0)
    led.poll(StatusLed.blink_on_ms - 1)
    assert pin.level == 1
    led.poll(StatusLed.blink_on_ms)
    assert pin.level == 0


def test_the_pin_is_written_only_on_a_change():
    pin = FakePin()
    led = StatusLed(pin)
    led.blink(0, on_ms=100, off_ms=100)
    for t in range(0, 400, 10):
        led.poll(t)
    assert pin.history == [0, 1, 0, 1, 0]


def test_on_stops_a_blink():
    pin = FakePin()
    led = StatusLed(pin)
    led.blink(0, on_ms=10, off_ms=10)
    led.on()
    led.poll(15)
    assert pin.level == 1


def test_a_blink_with_no_span_is_refused():
    led = StatusLed(FakePin())
    with pytest.raises(ValueError):
        led.blink(0, on_ms=0, off_ms=0)
