"""Actions and events compare by value, so tests can compare lists of them."""

from firmware.core.actions import Beep, Publish, Pulse, Show
from firmware.core.events import Connected, KeyPressed, Tick


def test_actions_compare_by_type_and_fields():
    assert Pulse(1, 300) == Pulse(1, 300)
    assert Pulse(1, 300) != Pulse(2, 300)
    assert Show("x") != Beep("x")
    assert Publish("t", b"p", 1, False) != Publish("t", b"p", 1, True)
    assert [Show("a"), Beep("ok")] == [Show("a"), Beep("ok")]


def test_actions_say_what_they_are():
    assert repr(Pulse(3, 300)) == "Pulse(3, 300)"
    assert repr(Publish("t", b"p", 1, True)) == "Publish('t', b'p', 1, True)"


def test_events_compare_by_value_too():
    assert KeyPressed("1") == KeyPressed("1")
    assert KeyPressed("1") != KeyPressed("2")
    assert Connected() != Tick()
