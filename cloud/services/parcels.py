"""A parcel's life before it reaches the locker: pre-advice (with a reservation) and cancel."""

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloud.core.config import Settings, get_settings
from cloud.models import (
    LIVE_STATES,
    Compartment,
    CompartmentState,
    Parcel,
    ParcelCreate,
    ParcelState,
    Placement,
)
from cloud.services import (
    announcements,
    assignment,
    audit,
    locker_alarms,
    locker_finder,
    lockers,
    notifications,
    outbox,
    redirects,
    reservation,
    site_scope,
)
from cloud.services.errors import Conflict, NotFound

CANCELLABLE = (ParcelState.ANNOUNCED, ParcelState.RESERVED)


def preadvise(
    session: Session,
    data: ParcelCreate,
    now: datetime,
    *,
    settings: Settings | None = None,
    actor: str = "system",
) -> Parcel:
    """A parcel announced for a locker, with the smallest free compartment it fits reserved."""
    return preadvise_placed(session, data, now, settings=settings, actor=actor)[0]


def preadvise_placed(
    session: Session,
    data: ParcelCreate,
    now: datetime,
    *,
    settings: Settings | None = None,
    actor: str = "system",
) -> tuple[Parcel, Placement | None]:
    """preadvise(), and how the locker was chosen when the carrier gave an address or named a
    full locker (None when the named locker had room)."""
    settings = settings or get_settings()
    placement = None
    if data.locker_id is None:
        placement = locker_finder.for_delivery_point(session, data, settings)
        data = data.model_copy(update={"locker_id": placement.locker_id})
    locker = lockers.get_locker(session, data.locker_id)
    # Locking the locker's compartments makes concurrent pre-advices for it take turns.
    compartments = lockers.compartments_of(session, locker.id, for_update=True)
    refuse_duplicate(session, data.carrier, data.locker_id, data.tracking_code)
    try:
        compartment = assignment.choose_compartment(
            compartments, (data.width_mm, data.height_mm, data.depth_mm), data.recipient.accessible
        )
    except Conflict as refusal:
        if refusal.code != "locker_full":
            raise
        # The operators must hear of it although this pre-advice fails: the alarm is all
        # this session holds, and the caller commits it (cloud/web/deps.py get_session).
        locker_alarms.locker_full(session, locker.id, refusal.message, now)
        placement = (
            locker_finder.away_from_full(session, locker, locker_finder.Need.of(data), settings)
            if data.redirect_when_full
            else None
        )
        if placement is None:
            refusal.on_record = True
            raise
        data = data.model_copy(update={"locker_id": placement.locker_id})
        refuse_duplicate(session, data.carrier, data.locker_id, data.tracking_code)
        compartment = assignment.choose_compartment(
            lockers.compartments_of(session, data.locker_id, for_update=True),
            (data.width_mm, data.height_mm, data.depth_mm),
            data.recipient.accessible,
        )
    parcel = insert(session, _new_parcel(data, compartment, now))
    reservation.reserve(parcel, compartment)
    push_reservation(session, parcel, compartment, now, settings=settings)
    audit.record(
        session,
        actor,
        "parcel_preadvised",
        f"parcel:{parcel.id}",
        now,
        carrier=parcel.carrier,
        tracking_code=parcel.tracking_code,
        locker=parcel.locker_id,
        redirected_from=placement.redirected_from if placement else None,
    )
    if placement and placement.redirected_from:
        redirects.tell_of_redirect(session, parcel, placement, now, settings)
    else:
        announcements.announce(session, parcel, locker, now, settings)
    return parcel, placement


def push_reservation(
    session: Session,
    parcel: Parcel,
    compartment: Compartment,
    now: datetime,
    *,
    settings: Settings | None = None,
) -> None:
    """Queue the `reserve` command that lets a courier deposit the parcel at the board.

    Its `asof` lets the board drop it if the board deposited (or saw collected) the parcel in an
    event the cloud had not applied yet (protocol.md, "Stale commands"); the caller holds the
    locker's compartments locked."""
    fields = {
        "parcel": parcel.tracking_code,
        "cmp": compartment.number,
        "asof": lockers.applied_seq(session, parcel.locker_id),
    }
    if parcel.accessible:
        fields["acc"] = 1  # the board never moves it to a high compartment (compartment_choice)
    outbox.queue(session, parcel.locker_id, "reserve", fields, now, settings=settings)


def reservations(session: Session, locker_id: str) -> list[tuple[Parcel, Compartment]]:
    """The parcels reserved in this locker, each with its compartment, oldest first."""
    query = (
        select(Parcel, Compartment)
        .join(Compartment, col(Compartment.id) == Parcel.compartment_id)
        .where(Parcel.locker_id == locker_id, Parcel.state == ParcelState.RESERVED)
        .order_by(col(Parcel.created_at), col(Compartment.number))
    )
    return [tuple(row) for row in session.exec(query).all()]


def refuse_duplicate(session: Session, carrier: str, locker_id: str, tracking_code: str) -> None:
    """Conflict if the carrier already has this code, or a live parcel of the locker has it."""
    same_carrier = (Parcel.carrier == carrier) & (Parcel.tracking_code == tracking_code)
    live_here = (
        (Parcel.locker_id == locker_id)
        & (Parcel.tracking_code == tracking_code)
        & col(Parcel.state).in_(LIVE_STATES)
    )  # the board knows parcels by code alone
    if session.exec(select(Parcel.id).where(same_carrier | live_here)).first() is not None:
        raise _duplicate(tracking_code)


def _duplicate(tracking_code: str) -> Conflict:
    return Conflict("duplicate_parcel", f"parcel {tracking_code} is already announced")


def _new_parcel(data: ParcelCreate, compartment: Compartment, now: datetime) -> Parcel:
    return Parcel(
        carrier=data.carrier,
        tracking_code=data.tracking_code,
        locker_id=data.locker_id,
        width_mm=data.width_mm,
        height_mm=data.height_mm,
        depth_mm=data.depth_mm,
        recipient_name=data.recipient.name,
        recipient_phone=data.recipient.phone,
        recipient_email=data.recipient.email,
        state=ParcelState.RESERVED,
        compartment_id=compartment.id,
        accessible=data.recipient.accessible,
        language=data.recipient.language,
        redirect_when_full=data.redirect_when_full,
        created_at=now,
    )


def insert(session: Session, parcel: Parcel) -> Parcel:
    """Add the parcel; Conflict if a concurrent twin got in first."""
    try:
        with session.begin_nested():  # a concurrent twin lost the race: refuse, keep the rest
            session.add(parcel)
    except IntegrityError:
        raise _duplicate(parcel.tracking_code) from None
    return parcel


def cancel(
    session: Session,
    parcel_id: uuid.UUID,
    now: datetime,
    *,
    settings: Settings | None = None,
    actor: str = "system",
) -> Parcel:
    """Withdraw a parcel not yet deposited: its compartment is freed and the board told."""
    parcel = get_parcel(session, parcel_id)
    if parcel.state not in CANCELLABLE:
        raise Conflict("not_cancellable", f"a {parcel.state} parcel can no longer be cancelled")
    release_compartment(session, parcel)
    parcel.state = ParcelState.CANCELLED
    reservation.queue_revoke(session, parcel, now, settings=settings)
    notifications.queue_status_webhook(
        session, parcel, "cancelled", now, settings or get_settings()
    )
    audit.record(
        session,
        actor,
        "parcel_cancelled",
        f"parcel:{parcel.id}",
        now,
        carrier=parcel.carrier,
        tracking_code=parcel.tracking_code,
    )
    session.flush()
    return parcel


def release_compartment(session: Session, parcel: Parcel) -> None:
    """Give back the compartment reserved for `parcel`, if it still holds that reservation."""
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    if compartment is not None and compartment.parcel_id == parcel.id:
        compartment.state, compartment.parcel_id = CompartmentState.FREE, None
    parcel.compartment_id = None


def get_parcel(session: Session, parcel_id: uuid.UUID) -> Parcel:
    """The parcel with this id; NotFound otherwise."""
    parcel = session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound("parcel", parcel_id)
    return parcel


def find_parcels(
    session: Session,
    carrier: str | None = None,
    tracking_code: str | None = None,
    limit: int = 100,
    *,
    sites: site_scope.Sites = None,
) -> list[Parcel]:
    """Parcels matching the given carrier and/or tracking code (in the `sites`' lockers, if
    given), newest first."""
    query = select(Parcel).order_by(col(Parcel.created_at).desc()).limit(limit)
    if carrier is not None:
        query = query.where(Parcel.carrier == carrier)
    if tracking_code is not None:
        query = query.where(Parcel.tracking_code == tracking_code)
    return list(session.exec(site_scope.within(query, Parcel.locker_id, sites)).all())


def live_parcel(session: Session, locker_id: str, tracking_code: str) -> Parcel | None:
    """The parcel of this locker that the board knows by this code, if any is live."""
    query = select(Parcel).where(
        Parcel.locker_id == locker_id,
        Parcel.tracking_code == tracking_code,
        col(Parcel.state).in_(LIVE_STATES),
    )
    return session.exec(query).first()
