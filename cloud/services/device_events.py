"""Events from boards, applied once each and in seq order: the inbox row, its effects and the
locker's watermark (`applied_seq`) share a transaction."""
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from cloud.core.config import Settings, get_settings
from cloud.models import Compartment, DeviceEvent, Locker, Parcel
from cloud.services import audit, credentials, device_alarms, notifications, outbox, parcels
from cloud.services import courier_events
from cloud.services.event_outcomes import APPLIED, Ignored, locked_compartment

log = logging.getLogger(__name__)

Event = dict[str, Any]  # a verified event body: lkr, seq, t, type and the type's fields


class OutOfOrder(Exception):
    """An event whose predecessor has not been applied yet: neither recorded nor acknowledged.

    The board resends every unacknowledged event in seq order, so it comes again after the gap
    is filled; a caller may also retry it shortly (bridge/worker.py)."""

    def __init__(self, locker_id: str, seq: int, applied_seq: int):
        super().__init__(f"event {locker_id}#{seq} before #{applied_seq + 1}: "
                         f"events up to #{applied_seq} are applied")
        self.locker_id, self.seq, self.applied_seq = locker_id, seq, applied_seq


@dataclass(frozen=True)
class _Context:
    session: Session
    locker: Locker
    now: datetime
    settings: Settings


def apply_device_event(session: Session, locker: Locker, body: Event, now: datetime,
                       *, settings: Settings | None = None) -> bool:
    """Record and apply a verified event once, in seq order; True if it was new, False for a
    repeat (and for a reused seq with another body, which is logged as an error and neither
    recorded nor applied). Either way an `ack` for its seq is queued, so the board can drop it
    from its journal.

    OutOfOrder (nothing recorded, nothing acknowledged) for an event after a gap: the locker's
    events are applied strictly one after another (`Locker.applied_seq`).
    """
    ctx = _Context(session, locker, now, settings or get_settings())
    # The locker's row is the turnstile: events of one locker are applied one at a time, and
    # what applied_seq says is what the events committed before us made of it. FOR NO KEY
    # UPDATE: a pre-advice holding the compartments and inserting a parcel (a key-share lock
    # on this row, for its foreign key) must not wait for us while we wait for it (deadlocks
    # in `locker chaos` with 200 lockers).
    session.flush()
    session.refresh(locker, with_for_update={"key_share": True})
    seq = body["seq"]
    if seq > locker.applied_seq + 1:
        raise OutOfOrder(locker.id, seq, locker.applied_seq)
    new = seq == locker.applied_seq + 1
    if new:
        locker.applied_seq = seq  # before the effects: commands decided now carry asof = seq
        event = _record(ctx, body)
        event.outcome = _apply(ctx, body)
    else:
        _check_repeat(ctx, body, _stored_body(ctx, seq))
    outbox.queue(session, locker.id, "ack", {"seqs": [seq]}, now, settings=ctx.settings)
    return new


def _record(ctx: _Context, body: Event) -> DeviceEvent:
    # No twin can be stored already: seq is above the watermark, read under the locker's lock.
    event = DeviceEvent(locker_id=ctx.locker.id, seq=body["seq"], type=body["type"],
                        body=json.dumps(body), outcome=APPLIED, received_at=ctx.now)
    ctx.session.add(event)
    ctx.session.flush()
    return event


def _stored_body(ctx: _Context, seq: int) -> str | None:
    query = select(DeviceEvent.body).where(DeviceEvent.locker_id == ctx.locker.id,
                                           DeviceEvent.seq == seq)
    return ctx.session.exec(query).first()


def _check_repeat(ctx: _Context, body: Event, stored: str | None) -> None:
    # A board resends an event byte for byte; another body under a seq already applied means
    # the board numbers its events anew (lost flash, reflashed, restored an old snapshot).
    # It is still acknowledged so the board does not get stuck, but never applied.
    if stored is not None and json.loads(stored) == body:
        return
    if stored is None:
        log.error("SEQUENCE REUSED? locker %s sent event seq %s at or below the applied watermark, "
                  "but the inbox holds no such event; NOT APPLIED (acknowledged so the board "
                  "goes on). received=%s", ctx.locker.id, body["seq"], json.dumps(body))
        return
    log.error("SEQUENCE REUSED by locker %s: event seq %s arrived with another body than the "
              "one applied before; NOT APPLIED (acknowledged so the board goes on). Did the "
              "board lose its journal? stored=%s received=%s",
              ctx.locker.id, body["seq"], stored, json.dumps(body))


def _apply(ctx: _Context, body: Event) -> str:
    handler = _HANDLERS.get(body["type"])
    try:
        with ctx.session.begin_nested():  # an ignored event leaves no half-made change
            if handler is None:
                raise Ignored(f"unknown event type {body['type']!r}")
            outcome = handler(ctx, body)
    except Ignored as reason:
        log.warning("event %s#%s ignored: %s", ctx.locker.id, body["seq"], reason)
        return f"ignored: {reason}"
    if outcome != APPLIED:
        log.warning("event %s#%s %s", ctx.locker.id, body["seq"], outcome)
    return outcome


def _deposited(ctx: _Context, body: Event) -> str:
    compartment = locked_compartment(ctx, body["cmp"])
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is None or parcel.state not in ("announced", "reserved"):
        return _occupied_anyway(ctx, compartment, _why_not(body["parcel"], parcel))
    if parcel.kind == "return":  # a courier typed a return's code: it is in all the same
        return courier_events.return_deposited(ctx, body)
    _place(ctx, parcel, compartment)
    parcel.state, parcel.deposited_at = "deposited", ctx.now
    if parcel.kind == "unadvised":
        # nobody to send a PIN to: it waits for its carrier to name the recipient
        _audit_door(ctx, body, parcel, compartment)
        return APPLIED
    credentials.issue_pickup(ctx.session, ctx.locker, parcel, compartment, ctx.now, ctx.settings)
    notifications.queue_status_webhook(ctx.session, parcel, "deposited", ctx.now, ctx.settings)
    _audit_door(ctx, body, parcel, compartment)
    audit.record(ctx.session, "system", "credential_issued", f"parcel:{parcel.id}", ctx.now,
                 locker=ctx.locker.id, tracking_code=parcel.tracking_code)
    return APPLIED


def _audit_door(ctx: _Context, body: Event, parcel: Parcel, compartment: Compartment) -> None:
    # Last in the handler: the audit head is locked until commit, so it is the last lock taken.
    audit.record(ctx.session, "board:" + ctx.locker.id, "door_opened", f"parcel:{parcel.id}",
                 ctx.now, event=body["type"], seq=body["seq"], compartment=compartment.number,
                 tracking_code=parcel.tracking_code)


def _why_not(code: str, parcel: Parcel | None) -> str:
    return f"parcel {code} not live" if parcel is None else f"parcel {code} is {parcel.state}"


def _occupied_anyway(ctx: _Context, compartment: Compartment, reason: str) -> str:
    # No parcel of the cloud's went in, but the door sensor saw a deposit: something is in
    # there, so the compartment must never be assigned as free (invariant 4).
    if compartment.state == "occupied":
        raise Ignored(reason)
    if _displace(ctx, compartment):
        compartment.parcel_id = None
    compartment.state = "occupied"  # parcel_id None: nobody's parcel (or kept: a jammed one's)
    ctx.session.flush()
    return f"ignored: {reason}; compartment {compartment.number} marked occupied"


def _place(ctx: _Context, parcel: Parcel, compartment: Compartment) -> None:
    # The board's compartment is the physical truth; the cloud's plan yields to it.
    if parcel.compartment_id != compartment.id:
        parcels.release_compartment(ctx.session, parcel)
        _displace(ctx, compartment)
    compartment.state, compartment.parcel_id = "occupied", parcel.id
    parcel.compartment_id = compartment.id
    ctx.session.flush()


def _displace(ctx: _Context, compartment: Compartment) -> bool:
    """Take the compartment from the parcel reserved in it, if any; True if there was one."""
    other = ctx.session.get(Parcel, compartment.parcel_id) if compartment.parcel_id else None
    if other is None or other.state != "reserved":
        return False
    log.warning("parcel %s lost compartment %s to a deposit; it needs a new one",
                other.id, compartment.number)
    other.state, other.compartment_id = "announced", None
    outbox.queue(ctx.session, other.locker_id, "revoke", {"parcel": other.tracking_code}, ctx.now,
                 settings=ctx.settings)
    if other.kind == "return":  # its code is out with a person: the return needs another door
        ctx.session.flush()
        courier_events.reassign(ctx, other)
    return True


def _collected(ctx: _Context, body: Event) -> str:
    compartment = locked_compartment(ctx, body["cmp"])
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is None or parcel.state != "deposited":
        return _emptied_anyway(compartment, _why_not(body["parcel"], parcel))
    parcel.state, parcel.collected_at = "collected", ctx.now
    compartment.state, compartment.parcel_id = "free", None
    credentials.mark_used(ctx.session, parcel, ctx.now)
    notifications.queue_status_webhook(ctx.session, parcel, "collected", ctx.now, ctx.settings)
    _audit_door(ctx, body, parcel, compartment)
    return APPLIED


def _emptied_anyway(compartment: Compartment, reason: str) -> str:
    # The door sensor saw a pickup: a compartment the cloud holds nothing in (but thought
    # occupied, e.g. after a deposit of a parcel no longer live) is empty now. One reserved
    # for or holding a parcel of the cloud's is left to that parcel.
    if compartment.parcel_id is not None or compartment.state in ("free", "out_of_service"):
        raise Ignored(reason)
    compartment.state = "free"
    return f"ignored: {reason}; compartment {compartment.number} marked free"



_HANDLERS: dict[str, Callable[[_Context, Event], str]] = {
    "deposited": _deposited,
    "collected": _collected,
    **device_alarms.HANDLERS,  # jammed, door_left_open, tamper, refused: operator alarms
    **courier_events.HANDLERS,  # retargeted, unadvised, courier_collected, return_deposited
}
