"""The buzzer plays each kind's pattern through poll(), without sleeping."""

from firmware.drivers.buzzer import Buzzer
from tests.firmware.drivers.fakes import FakePin


def timeline(buzzer, pin, end, step=1):
    """(time, level) at each change of the pin while polling from 0 to end."""
    changes, last = [], pin.level
    for t in range(0, end, step):
        buzzer.poll(t)
        if pin.level != last:
            changes.append((t, pin.level))
            last = pin.level
    return changes


def test_silent_at_construction():
    pin = FakePin(1)
    buzzer = Buzzer(pin)
    assert pin.level == 0 and not buzzer.busy


def test_each_kind_plays_its_pattern():
    for kind, spans in Buzzer.patterns.items():
        pin = FakePin()
        buzzer = Buzzer(pin)
        buzzer.beep(kind, 0)
        assert pin.level == 1
        edges, t = [], 0
        for i, span in enumerate(spans):
            t += span
            edges.append((t, 0 if i % 2 == 0 else 1))
        assert timeline(buzzer, pin, 2000) == edges, kind
        assert not buzzer.busy


def test_the_patterns_differ_and_end_silent():
    patterns = Buzzer.patterns
    assert set(patterns) == {"key", "ok", "error"}
    assert len(set(patterns.values())) == 3
    assert all(len(spans) % 2 == 1 for spans in patterns.values())  # ends after an "on" span
    assert sum(patterns["key"]) < sum(patterns["ok"]) < sum(patterns["error"])


def test_a_new_beep_cuts_the_one_playing():
    pin = FakePin()
    buzzer = Buzzer(pin)
    buzzer.beep("error", 0)
    buzzer.poll(100)
    buzzer.beep("key", 100)
    buzzer.poll(100 + Buzzer.patterns["key"][0])
    assert pin.level == 0 and not buzzer.busy


def test_an_unknown_kind_is_silent():
    pin = FakePin()
    buzzer = Buzzer(pin)
    buzzer.beep("fanfare", 0)
    assert pin.history == [0] and not buzzer.busy


def test_a_late_poll_catches_up_and_ends_silent():
    pin = FakePin()
    buzzer = Buzzer(pin)
    buzzer.beep("ok", 0)
    buzzer.poll(10000)
    assert pin.level == 0 and not buzzer.busy
