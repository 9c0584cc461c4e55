"""Events from boards, applied once each and in seq order: the inbox row, its effects and the
locker's watermark (`applied_seq`) share a transaction."""

import json
import logging
from datetime import datetime

from sqlmodel import Session, select

from cloud.board_events.context import APPLIED, Event, EventContext, Ignored
from cloud.board_events.handlers import HANDLERS
from cloud.core.config import Settings, get_settings
from cloud.models import DeviceEvent, Locker
from cloud.services import outbox

log = logging.getLogger(__name__)


class OutOfOrder(Exception):
    """An event whose predecessor has not been applied yet: neither recorded nor acknowledged.

    The board resends every unacknowledged event in seq order, so it comes again after the gap
    is filled; a caller may also retry it shortly (bridge/worker.py)."""

    def __init__(self, locker_id: str, seq: int, applied_seq: int):
        super().__init__(
            f"event {locker_id}#{seq} before #{applied_seq + 1}: "
            f"events up to #{applied_seq} are applied"
        )
        self.locker_id, self.seq, self.applied_seq = locker_id, seq, applied_seq


def apply_device_event(
    session: Session,
    locker: Locker,
    body: Event,
    now: datetime,
    *,
    settings: Settings | None = None,
) -> bool:
    """Record and apply a verified event once, in seq order; True if it was new, False for a
    repeat (and for a reused seq with another body, which is logged as an error and neither
    recorded nor applied). Either way an `ack` for its seq is queued, so the board can drop it
    from its journal.

    OutOfOrder (nothing recorded, nothing acknowledged) for an event after a gap: the locker's
    events are applied strictly one after another (`Locker.applied_seq`).
    """
    ctx = EventContext(session, locker, now, settings or get_settings())
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


def _record(ctx: EventContext, body: Event) -> DeviceEvent:
    # No twin can be stored already: seq is above the watermark, read under the locker's lock.
    event = DeviceEvent(
        locker_id=ctx.locker.id,
        seq=body["seq"],
        type=body["type"],
        body=json.dumps(body),
        outcome=APPLIED,
        received_at=ctx.now,
    )
    ctx.session.add(event)
    ctx.session.flush()
    return event


def _stored_body(ctx: EventContext, seq: int) -> str | None:
    query = select(DeviceEvent.body).where(
        DeviceEvent.locker_id == ctx.locker.id, DeviceEvent.seq == seq
    )
    return ctx.session.exec(query).first()


def _check_repeat(ctx: EventContext, body: Event, stored: str | None) -> None:
    # A board resends an event byte for byte; another body under a seq already applied means
    # the board numbers its events anew (lost flash, reflashed, restored an old snapshot).
    # It is still acknowledged so the board does not get stuck, but never applied.
    if stored is not None and json.loads(stored) == body:
        return
    if stored is None:
        log.error(
            "SEQUENCE REUSED? locker %s sent event seq %s at or below the applied watermark, "
            "but the inbox holds no such event; NOT APPLIED (acknowledged so the board "
            "goes on). received=%s",
            ctx.locker.id,
            body["seq"],
            json.dumps(body),
        )
        return
    log.error(
        "SEQUENCE REUSED by locker %s: event seq %s arrived with another body than the "
        "one applied before; NOT APPLIED (acknowledged so the board goes on). Did the "
        "board lose its journal? stored=%s received=%s",
        ctx.locker.id,
        body["seq"],
        stored,
        json.dumps(body),
    )


def _apply(ctx: EventContext, body: Event) -> str:
    handler = HANDLERS.get(body["type"])
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
