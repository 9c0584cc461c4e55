"""Actions and events compare by kind and fields, so tests can compare lists of them."""

from firmware.core.actions import PULSE, Beep, Publish, Pulse, Show
from firmware.core.events import Connected, DoorClosed, DoorOpened, KeyPressed, Tick


def test_actions_compare_by_kind_and_fields():
    assert Pulse(1, 300) == Pulse(1, 300)
    assert Pulse(1, 300) != Pulse(2, 300)
    assert Show("x") != Beep("x")
    assert Publish("t", b"p", 1, False) != Publish("t", b"p", 1, True)
    assert [Show("a"), Beep("ok")] == [Show("a"), Beep("ok")]


def test_an_action_is_its_kind_then_its_fields_in_order():
    assert Pulse(3, 300) == (PULSE, 3, 300)
    assert Publish("t", b"p", 1, True)[1:] == ("t", b"p", 1, True)


def test_events_compare_by_value_too():
    assert KeyPressed("1") == KeyPressed("1")
    assert KeyPressed("1") != KeyPressed("2")
    assert Connected() != Tick()
    assert DoorOpened(3) != DoorClosed(3)  # same field, another kind


def test_no_event_kind_is_an_action_kind():
    events = {e[0] for e in (KeyPressed("1"), Connected(), Tick(), DoorOpened(1), DoorClosed(1))}
    actions = {a[0] for a in (Pulse(1, 1), Show("x"), Beep("ok"), Publish("t", b"", 0, False))}
    assert not events & actions
