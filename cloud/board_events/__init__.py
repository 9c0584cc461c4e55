"""Events from boards (docs/protocol.md, "Events"): each applied once, in seq order, in the
transaction that records it.

    inbox      apply_device_event: the watermark, the inbox row, the repeat check
    handlers   the one table from event type to handler
    deposits   deposited, collected, return_deposited: a door opened and closed on a parcel
    keypad     retargeted, unadvised, courier_collected: a courier at the keypad
    alarms     jammed, door_left_open, tamper, refused, pin_guessing, courier_guessing
    placement  the board's compartment wins: placing, displacing and reassigning parcels
    context    EventContext (what every handler is given), APPLIED and Ignored

It sits above cloud.services (whose domain rules the handlers call), never below them.
"""

from cloud.board_events.inbox import OutOfOrder, apply_device_event

__all__ = ["OutOfOrder", "apply_device_event"]
