"""Board events of the courier and return flows at the keypad (docs/protocol.md, "Keypad"):
`retargeted`, `unadvised` and `courier_collected` (`return_deposited`: deposits.py)."""

from datetime import timedelta
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloud.board_events.context import APPLIED, Event, EventContext, Ignored
from cloud.board_events.placement import displace, emptied_anyway, reassign
from cloud.core.clock import to_ms
from cloud.models import COMPARTMENT_SIZES, Compartment, CompartmentState, Parcel, ParcelState
from cloud.planning import progress
from cloud.services import (
    alarms,
    assignment,
    audit,
    collection,
    compartment_service,
    credentials,
    deposit_redirect,
    door_budget,
    locker_finder,
    lockers,
    notifications,
    outbox,
    parcels,
    reservation,
)
from cloud.services.errors import Conflict
from cloud.services.unadvised import UNADVISED_CARRIER

UNADVISED_ANSWER_S = 60  # the courier waits 20 s at the keypad: an older question is moot
REFUSAL_LENGTH = 32  # what a `refuse_parcel` reason may hold (docs/protocol.md)


def retargeted(ctx: EventContext, body: Event) -> str:
    """The courier said "too small" or "door jammed" and the board gave the parcel another
    free compartment: the reservation moves with it (the board's choice wins, invariant 4)."""
    old, new = ctx.locked_compartment(body["from"]), ctx.locked_compartment(body["cmp"])
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is None or parcel.state not in (ParcelState.ANNOUNCED, ParcelState.RESERVED):
        raise Ignored(f"parcel {body['parcel']} is not waiting for a deposit")
    if new.state == CompartmentState.OUT_OF_SERVICE:
        return _out_of_service_chosen(ctx, parcel, new, body)
    if parcel.accessible and not new.accessible:
        return _inaccessible_chosen(ctx, parcel, new, body)
    if old.parcel_id == parcel.id:
        old.parcel_id = None
        if old.state == CompartmentState.RESERVED:
            # a jammed one stays jammed: the `jammed` event came first
            old.state = CompartmentState.FREE
    displaced = displace(ctx, new)
    reservation.reserve(parcel, new)
    ctx.session.flush()
    if displaced is not None:
        reassign(ctx, displaced)
    _audit_retarget(ctx, parcel, body, previous=old.number)
    return APPLIED


def _out_of_service_chosen(
    ctx: EventContext, parcel: Parcel, compartment: Compartment, body: Event
) -> str:
    # A board that had not heard yet (offline when the operator decided): the compartment is
    # never reserved behind the operator's back. The operators are told, the board is told
    # again, and the parcel keeps its reservation; what the courier does next the board reports.
    compartment_service.push_service(
        ctx.session, ctx.locker.id, compartment.number, True, ctx.now, settings=ctx.settings
    )
    return _refuse_retarget(
        ctx, parcel, compartment, body, "out of service", "which is out of service"
    )


def _inaccessible_chosen(
    ctx: EventContext, parcel: Parcel, compartment: Compartment, body: Event
) -> str:
    # A board that did not know (firmware or a layout from before accessibility, or a `reserve`
    # without `acc`): the recipient asked for a low compartment and is never quietly given a
    # high one. As for one out of service, the operators are told and the parcel keeps its
    # reservation; a deposit the board reports next still wins (invariant 4).
    return _refuse_retarget(
        ctx,
        parcel,
        compartment,
        body,
        "not accessible",
        "which is not accessible, and its recipient needs an accessible one",
    )


def _refuse_retarget(
    ctx: EventContext, parcel: Parcel, compartment: Compartment, body: Event, why: str, which: str
) -> str:
    """The board's choice is not taken: a conflict alarm, an audit entry, the parcel keeps its
    reservation."""
    alarms.raise_alarm(
        ctx.session,
        ctx.locker.id,
        "conflict",
        f"the board gave parcel {parcel.tracking_code} compartment {compartment.number}, {which}",
        ctx.now,
        compartment.number,
    )
    _audit_retarget(ctx, parcel, body, refused=why)
    return f"applied: refused (compartment {why})"


def _audit_retarget(ctx: EventContext, parcel: Parcel, body: Event, **detail) -> None:
    audit.record(
        ctx.session,
        ctx.actor,
        "parcel_retargeted",
        f"parcel:{parcel.id}",
        ctx.now,
        tracking_code=parcel.tracking_code,
        reason=body["reason"],
        compartment=body["cmp"],
        **detail,
    )


def unadvised(ctx: EventContext, body: Event) -> str:
    """A courier has a parcel nobody announced: reserve a compartment of the chosen size on the
    spot (the `reserve` opens the door) or tell the board why not (`refuse_parcel`). Full
    here, the parcel (announced, or not) goes to the nearest locker with room, and the
    refusal tells the courier which."""
    code = body["parcel"]
    reason = _refusal(ctx, body)
    if reason is not None:
        return _refuse(ctx, code, reason)
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, code)
    if parcel is None:
        return _hold_unadvised(ctx, body)
    if parcel.state == ParcelState.RESERVED:  # the board lost its reservation: send it again
        _push_again(ctx, parcel)
        return APPLIED
    reassign(ctx, parcel)  # announced, its compartment lost to a deposit: one now, if any
    if parcel.state == ParcelState.ANNOUNCED:
        return _redirect_or_refuse(ctx, parcel)
    return APPLIED


def _redirect_or_refuse(ctx: EventContext, parcel: Parcel) -> str:
    # Full at the deposit: the courier keeps the parcel, and is told where it goes instead.
    placement = deposit_redirect.redirect_from_full(
        ctx.session, parcel, ctx.locker, ctx.now, ctx.settings, actor=ctx.actor
    )
    if placement is None:
        return _refuse(ctx, parcel.tracking_code, "no free compartment")
    _refuse(ctx, parcel.tracking_code, _take_to(placement.locker_id))
    return f"applied: redirected to locker {placement.locker_id} (full at deposit)"


def _take_to(locker_id: str) -> str:
    reason = f"full - take to {locker_id}"
    return reason if len(reason) <= REFUSAL_LENGTH else "full - redirected"


def _refusal(ctx: EventContext, body: Event) -> str | None:
    if body["size"] not in COMPARTMENT_SIZES:
        return "unknown size"
    asked_ms = to_ms(ctx.now - timedelta(seconds=UNADVISED_ANSWER_S))
    if body["t"] < asked_ms:
        return "asked too long ago"
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is not None and parcel.state == ParcelState.DEPOSITED:
        return "already deposited"
    if parcel is None and _known_elsewhere(ctx.session, body["parcel"], ctx.locker.id):
        return "announced for another locker"
    return None


def _known_elsewhere(session: Session, code: str, locker_id: str) -> bool:
    waiting = (ParcelState.ANNOUNCED, ParcelState.RESERVED)
    query = select(Parcel.id).where(
        Parcel.tracking_code == code, Parcel.locker_id != locker_id, col(Parcel.state).in_(waiting)
    )
    return session.exec(query).first() is not None


def _push_again(ctx: EventContext, parcel: Parcel) -> None:
    compartment = ctx.session.get(Compartment, parcel.compartment_id)
    parcels.push_reservation(ctx.session, parcel, compartment, ctx.now, settings=ctx.settings)


def _hold_unadvised(ctx: EventContext, body: Event) -> str:
    dimensions = COMPARTMENT_SIZES[body["size"]]
    compartments = lockers.compartments_of(ctx.session, ctx.locker.id, for_update=True)
    try:
        compartment = cast(Compartment, assignment.choose_compartment(compartments, dimensions))
    except Conflict:
        return _hold_elsewhere(ctx, body["parcel"], dimensions)
    return _hold(ctx, body["parcel"], compartment, dimensions)


def _hold_elsewhere(ctx: EventContext, code: str, dimensions: tuple[int, int, int]) -> str:
    # Full here: the nearest locker with room in walking distance holds it, and the courier is
    # told to take it there (nobody else to tell: it has no carrier or recipient yet).
    need = locker_finder.Need(dimensions, accessible=False)
    placement = locker_finder.away_from_full(ctx.session, ctx.locker, need, ctx.settings)
    if placement is None or parcels.live_parcel(ctx.session, placement.locker_id, code):
        return _refuse(ctx, code, "no free compartment")
    there = lockers.compartments_of(ctx.session, placement.locker_id, for_update=True)
    compartment = cast(Compartment, assignment.choose_compartment(there, dimensions))
    return _hold(ctx, code, compartment, dimensions, redirected=True)


def _hold(ctx, code, compartment: Compartment, dimensions, *, redirected=False) -> str:
    parcel = Parcel(
        kind="unadvised",
        carrier=UNADVISED_CARRIER,
        tracking_code=code,
        locker_id=compartment.locker_id,
        width_mm=dimensions[0],
        height_mm=dimensions[1],
        depth_mm=dimensions[2],
        recipient_name="",
        state=ParcelState.RESERVED,
        compartment_id=compartment.id,
        created_at=ctx.now,
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(parcel)
    except IntegrityError:  # an earlier unadvised parcel with this code, long gone
        return _refuse(ctx, code, "duplicate parcel code")
    reservation.reserve(parcel, compartment)
    parcels.push_reservation(ctx.session, parcel, compartment, ctx.now, settings=ctx.settings)
    outcome = APPLIED
    if redirected:
        _refuse(ctx, code, _take_to(parcel.locker_id))
        outcome = f"applied: held at locker {parcel.locker_id} (full here)"
    where = {"locker": parcel.locker_id, "redirected_from": ctx.locker.id} if redirected else {}
    audit.record(
        ctx.session,
        ctx.actor,
        "unadvised_parcel",
        f"parcel:{parcel.id}",
        ctx.now,
        tracking_code=parcel.tracking_code,
        compartment=compartment.number,
        **where,
    )
    return outcome


def _refuse(ctx: EventContext, code: str, reason: str) -> str:
    outbox.queue(
        ctx.session,
        ctx.locker.id,
        "refuse_parcel",
        {"parcel": code, "reason": reason},
        ctx.now,
        settings=ctx.settings,
    )
    return f"applied: refused ({reason})"


def courier_collected(ctx: EventContext, body: Event) -> str:
    """A courier took a parcel to collect out of its compartment: back to its sender."""
    compartment = ctx.locked_compartment(body["cmp"])
    query = select(Parcel).where(
        Parcel.locker_id == ctx.locker.id,
        Parcel.tracking_code == body["parcel"],
        col(Parcel.collect_scheduled_at).is_not(None),
        col(Parcel.returned_at).is_(None),
    )
    parcel = ctx.session.exec(query).first()
    if parcel is None:
        return emptied_anyway(compartment, f"parcel {body['parcel']} was not to collect")
    collection.mark_returned(ctx.session, parcel, compartment, ctx.now)
    progress.parcel_done(ctx.session, parcel.id, ctx.now)  # collected at the van's stop
    door_budget.record_collection(ctx.session, parcel, compartment.number, ctx.now, ctx.settings)
    credentials.mark_used(ctx.session, parcel, ctx.now)
    notifications.queue_status_webhook(ctx.session, parcel, "returned", ctx.now, ctx.settings)
    audit.record(
        ctx.session,
        ctx.actor,
        "parcel_returned",
        f"parcel:{parcel.id}",
        ctx.now,
        tracking_code=parcel.tracking_code,
        compartment=compartment.number,
        seq=body["seq"],
    )
    return APPLIED
