"""The one table from a board event's type to its handler (docs/protocol.md, "Events")."""

from collections.abc import Callable

from cloud.board_events import alarms, deposits, keypad
from cloud.board_events.context import Event, EventContext

Handler = Callable[[EventContext, Event], str]  # the outcome recorded with the event

HANDLERS: dict[str, Handler] = {
    "deposited": deposits.deposited,
    "collected": deposits.collected,
    "return_deposited": deposits.return_deposited,
    "retargeted": keypad.retargeted,
    "unadvised": keypad.unadvised,
    "courier_collected": keypad.courier_collected,
    "jammed": alarms.jammed,
    "door_left_open": alarms.left_open,
    "tamper": alarms.tamper,
    "refused": alarms.refused,
    "pin_guessing": alarms.pin_guessing,
    "courier_guessing": alarms.courier_guessing,
}
