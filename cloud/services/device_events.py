"""Events from boards, applied once each: the inbox row and its effects share a transaction."""
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cloud.core.config import Settings, get_settings
from cloud.models import Compartment, DeviceEvent, Locker, Parcel
from cloud.services import credentials, outbox, parcels

log = logging.getLogger(__name__)

APPLIED = "applied"
Event = dict[str, Any]  # a verified event body: lkr, seq, t, type and the type's fields


class Ignored(Exception):
    """An event that is recorded and acknowledged but changes nothing."""


@dataclass(frozen=True)
class _Context:
    session: Session
    locker: Locker
    now: datetime
    settings: Settings


def apply_device_event(session: Session, locker: Locker, body: Event, now: datetime,
                       *, settings: Settings | None = None) -> bool:
    """Record and apply a verified event once; True if it was new, False for a repeat.

    Either way an `ack` for its seq is queued, so the board can drop it from its journal.
    """
    ctx = _Context(session, locker, now, settings or get_settings())
    event = _record(ctx, body)
    if event is not None:
        event.outcome = _apply(ctx, body)
    outbox.queue(session, locker.id, "ack", {"seqs": [body["seq"]]}, now, settings=ctx.settings)
    return event is not None


def _record(ctx: _Context, body: Event) -> DeviceEvent | None:
    seen = select(DeviceEvent.id).where(DeviceEvent.locker_id == ctx.locker.id,
                                        DeviceEvent.seq == body["seq"])
    if ctx.session.exec(seen).first() is not None:
        return None
    event = DeviceEvent(locker_id=ctx.locker.id, seq=body["seq"], type=body["type"],
                        body=json.dumps(body), outcome=APPLIED, received_at=ctx.now)
    try:
        with ctx.session.begin_nested():  # a twin applied by another worker just now: a repeat
            ctx.session.add(event)
    except IntegrityError:
        return None
    return event


def _apply(ctx: _Context, body: Event) -> str:
    handler = _HANDLERS.get(body["type"])
    try:
        with ctx.session.begin_nested():  # an ignored event leaves no half-made change
            if handler is None:
                raise Ignored(f"unknown event type {body['type']!r}")
            handler(ctx, body)
    except Ignored as reason:
        log.warning("event %s#%s ignored: %s", ctx.locker.id, body["seq"], reason)
        return f"ignored: {reason}"
    return APPLIED


def _deposited(ctx: _Context, body: Event) -> None:
    parcel = _live_parcel(ctx, body["parcel"], ("announced", "reserved"))
    compartment = _compartment(ctx, body["cmp"])
    _place(ctx, parcel, compartment)
    parcel.state, parcel.deposited_at = "deposited", ctx.now
    credentials.issue_pickup(ctx.session, ctx.locker, parcel, compartment, ctx.now, ctx.settings)


def _place(ctx: _Context, parcel: Parcel, compartment: Compartment) -> None:
    # The board's compartment is the physical truth; the cloud's plan yields to it.
    if parcel.compartment_id != compartment.id:
        parcels.release_compartment(ctx.session, parcel)
        _displace(ctx, compartment)
    compartment.state, compartment.parcel_id = "occupied", parcel.id
    parcel.compartment_id = compartment.id
    ctx.session.flush()


def _displace(ctx: _Context, compartment: Compartment) -> None:
    other = ctx.session.get(Parcel, compartment.parcel_id) if compartment.parcel_id else None
    if other is None or other.state != "reserved":
        return
    log.warning("parcel %s lost compartment %s to a deposit; it needs a new one",
                other.id, compartment.number)
    other.state, other.compartment_id = "announced", None
    outbox.queue(ctx.session, other.locker_id, "revoke", {"parcel": other.tracking_code}, ctx.now,
                 settings=ctx.settings)


def _collected(ctx: _Context, body: Event) -> None:
    parcel = _live_parcel(ctx, body["parcel"], ("deposited",))
    compartment = _compartment(ctx, body["cmp"])
    parcel.state, parcel.collected_at = "collected", ctx.now
    compartment.state, compartment.parcel_id = "free", None
    credentials.mark_used(ctx.session, parcel, ctx.now)


def _jammed(ctx: _Context, body: Event) -> None:
    _compartment(ctx, body["cmp"]).state = "jammed"


def _live_parcel(ctx: _Context, code: str, states: tuple[str, ...]) -> Parcel:
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, code)
    if parcel is None:
        raise Ignored(f"no live parcel {code} in locker {ctx.locker.id}")
    if parcel.state not in states:
        raise Ignored(f"parcel {code} is {parcel.state}")
    return parcel


def _compartment(ctx: _Context, number: int) -> Compartment:
    query = select(Compartment).where(Compartment.locker_id == ctx.locker.id,
                                      Compartment.number == number)
    compartment = ctx.session.exec(query).first()
    if compartment is None:
        raise Ignored(f"locker {ctx.locker.id} has no compartment {number}")
    return compartment


_HANDLERS: dict[str, Callable[[_Context, Event], None]] = {
    "deposited": _deposited,
    "collected": _collected,
    "jammed": _jammed,
}
