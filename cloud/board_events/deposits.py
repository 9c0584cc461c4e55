"""A door opened and closed on a parcel (docs/protocol.md, "Events"): `deposited`,
`collected`, and `return_deposited` (the person returning closed the door)."""

from cloud.board_events.context import APPLIED, Event, EventContext
from cloud.board_events.placement import emptied_anyway, occupied_anyway, place, why_not
from cloud.models import Compartment, CompartmentState, Parcel, ParcelState
from cloud.planning import progress
from cloud.services import audit, collection, credentials, notifications, parcels


def deposited(ctx: EventContext, body: Event) -> str:
    """A courier closed the door on a parcel: its recipient gets a PIN."""
    compartment = ctx.locked_compartment(body["cmp"])
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is None or parcel.state not in (ParcelState.ANNOUNCED, ParcelState.RESERVED):
        return occupied_anyway(ctx, compartment, why_not(body["parcel"], parcel))
    if parcel.kind == "return":  # a courier typed a return's code: it is in all the same
        return return_deposited(ctx, body)
    place(ctx, parcel, compartment)
    parcel.state, parcel.deposited_at = ParcelState.DEPOSITED, ctx.now
    progress.parcel_done(ctx.session, parcel.id, ctx.now)  # the van's stop is done
    if parcel.kind == "unadvised":
        # nobody to send a PIN to: it waits for its carrier to name the recipient
        _audit_door(ctx, body, parcel, compartment)
        return APPLIED
    credentials.issue_pickup(ctx.session, ctx.locker, parcel, compartment, ctx.now, ctx.settings)
    notifications.queue_status_webhook(ctx.session, parcel, "deposited", ctx.now, ctx.settings)
    _audit_door(ctx, body, parcel, compartment)
    audit.record(
        ctx.session,
        "system",
        "credential_issued",
        f"parcel:{parcel.id}",
        ctx.now,
        locker=ctx.locker.id,
        tracking_code=parcel.tracking_code,
    )
    return APPLIED


def collected(ctx: EventContext, body: Event) -> str:
    """The recipient took the parcel out: the compartment is free again."""
    compartment = ctx.locked_compartment(body["cmp"])
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is None or parcel.state != ParcelState.DEPOSITED:
        return emptied_anyway(compartment, why_not(body["parcel"], parcel))
    parcel.state, parcel.collected_at = ParcelState.COLLECTED, ctx.now
    compartment.state, compartment.parcel_id = CompartmentState.FREE, None
    credentials.mark_used(ctx.session, parcel, ctx.now)
    notifications.queue_status_webhook(ctx.session, parcel, "collected", ctx.now, ctx.settings)
    _audit_door(ctx, body, parcel, compartment)
    return APPLIED


def return_deposited(ctx: EventContext, body: Event) -> str:
    """The person returning closed the door: the return is in, a courier is to collect it."""
    compartment = ctx.locked_compartment(body["cmp"])
    parcel = parcels.live_parcel(ctx.session, ctx.locker.id, body["parcel"])
    if parcel is None or parcel.kind != "return" or parcel.state != ParcelState.RESERVED:
        return occupied_anyway(ctx, compartment, why_not(body["parcel"], parcel))
    place(ctx, parcel, compartment)
    parcel.state, parcel.deposited_at = ParcelState.DEPOSITED, ctx.now
    credentials.mark_used(ctx.session, parcel, ctx.now)  # the return code is spent
    collection.schedule_collection(ctx.session, parcel, ctx.now, ctx.settings)
    _audit_door(ctx, body, parcel, compartment)
    return APPLIED


def _audit_door(ctx: EventContext, body: Event, parcel: Parcel, compartment: Compartment) -> None:
    # Last in the handler: the audit head is locked until commit, so it is the last lock taken.
    audit.record(
        ctx.session,
        ctx.actor,
        "door_opened",
        f"parcel:{parcel.id}",
        ctx.now,
        event=body["type"],
        seq=body["seq"],
        compartment=compartment.number,
        tracking_code=parcel.tracking_code,
    )
