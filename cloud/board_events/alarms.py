"""Board events that raise operator alarms (docs/protocol.md, "Door faults", "Refused
commands" and "Wrong PINs"); applied in the event's own transaction (inbox.py), so each is
raised once."""

from sqlmodel import select

from cloud.board_events.context import APPLIED, Event, EventContext
from cloud.models import CompartmentState, OutboxMessage
from cloud.services import alarms


def jammed(ctx: EventContext, body: Event) -> str:
    """The lock was pulsed twice and the door never opened: out of use until someone looks."""
    ctx.locked_compartment(body["cmp"]).state = CompartmentState.JAMMED
    return _door_alarm(ctx, body, "jammed", "did not open after two pulses")


def left_open(ctx: EventContext, body: Event) -> str:
    ctx.locked_compartment(body["cmp"])
    return _door_alarm(ctx, body, "left_open", "has been open too long")


def tamper(ctx: EventContext, body: Event) -> str:
    ctx.locked_compartment(body["cmp"])
    return _door_alarm(ctx, body, "tamper", "opened without an unlock")


def _door_alarm(ctx: EventContext, body: Event, kind: str, what: str) -> str:
    door = body["cmp"]
    alarms.raise_alarm(ctx.session, ctx.locker.id, kind, f"door {door} {what}", ctx.now, door)
    return APPLIED


def refused(ctx: EventContext, body: Event) -> str:
    """A command the board would not carry out (expired or replayed): the operator is told,
    unless it was an `ack` (harmless: the board resends the events and they are acked again)."""
    command = ctx.session.exec(
        select(OutboxMessage).where(
            OutboxMessage.locker_id == ctx.locker.id, OutboxMessage.counter == body["ctr"]
        )
    ).first()
    kind = command.type if command is not None else "unknown"
    if kind == "ack":
        return f"applied: ack ctr {body['ctr']} {body['reason']}, no alarm"
    alarms.raise_alarm(
        ctx.session,
        ctx.locker.id,
        "command_refused",
        f"command ctr {body['ctr']} ({kind}) refused: {body['reason']}",
        ctx.now,
    )
    return APPLIED


def pin_guessing(ctx: EventContext, body: Event) -> str:
    """The keypad locked itself after repeated wrong PINs: someone may be guessing. The board
    already backs off on its own; the operator is told, the locker as a whole (no door)."""
    failures = body["failures"]
    alarms.raise_alarm(
        ctx.session,
        ctx.locker.id,
        "pin_guessing",
        f"keypad locked out after {failures} wrong PINs or codes in a row",
        ctx.now,
    )
    return APPLIED


def courier_guessing(ctx: EventContext, body: Event) -> str:
    """The keypad locked itself after repeated wrong courier codes: someone may be guessing
    one, and a courier session opens the doors of everything waiting to be collected."""
    failures = body["failures"]
    alarms.raise_alarm(
        ctx.session,
        ctx.locker.id,
        "courier_guessing",
        f"keypad locked out after {failures} wrong courier codes",
        ctx.now,
    )
    return APPLIED
