"""Completing an unadvised parcel: a courier left it without pre-advice
(cloud/board_events/keypad.py), so it sits in the locker with no recipient; its carrier or an
operator names them, and it goes on as any deposited parcel does (PIN issued, recipient notified,
carrier's webhook)."""

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Compartment, Parcel, ParcelState
from cloud.models.door_release import CLAIM
from cloud.models.parcel import RecipientClaim
from cloud.services import (
    audit,
    credentials,
    delegate_contacts,
    door_budget,
    lockers,
    notifications,
    parcels,
)
from cloud.services.errors import Conflict, Invalid

UNADVISED_CARRIER = "unadvised"  # an unadvised parcel's carrier until one claims it


def complete(
    session: Session,
    parcel_id: uuid.UUID,
    claim: RecipientClaim,
    carrier: str | None,
    now: datetime,
    settings: Settings,
    *,
    actor: str = "system",
) -> Parcel:
    """Give an unadvised parcel still in the locker its carrier and recipient, and issue the
    recipient's PIN. `carrier` is the claiming carrier (None for an operator, who names one).

    Naming the recipient decides whose phone the PIN goes to, and nobody's word stands behind
    it but the claimant's: it counts against the door-release budget like a delegation
    (door_budget.py), and its contact is watched alike. A refusal is raised `on_record`."""
    parcel = parcels.get_parcel(session, parcel_id)
    contact_keys = delegate_contacts.contact_keys(
        settings, claim.recipient.phone, claim.recipient.email
    )
    attempted = door_budget.release(
        CLAIM,
        parcel.locker_id,
        now,
        actor=actor,
        parcel_id=parcel.id,
        contact_keys=contact_keys,
        reason="unadvised parcel's recipient named",
    )
    with door_budget.attempt(session, attempted, settings):  # locks the locker's compartments
        session.refresh(parcel)  # as it is now that the locker is ours
        _refuse_unless_open(parcel)
        claimed = _claimed_carrier(claim, carrier)
        attempted.compartment = session.get(Compartment, parcel.compartment_id).number
    parcel.carrier = claimed
    parcel.recipient_name, parcel.recipient_phone = claim.recipient.name, claim.recipient.phone
    parcel.recipient_email, parcel.language = claim.recipient.email, claim.recipient.language
    _flush_unless_duplicate(session, parcel)
    compartment = session.get(Compartment, parcel.compartment_id)
    locker = lockers.get_locker(session, parcel.locker_id)
    credentials.issue_pickup(session, locker, parcel, compartment, now, settings)
    notifications.queue_status_webhook(session, parcel, "deposited", now, settings)
    audit.record(
        session,
        actor,
        "unadvised_completed",
        f"parcel:{parcel.id}",
        now,
        carrier=parcel.carrier,
        tracking_code=parcel.tracking_code,
        locker=parcel.locker_id,
    )
    return parcel


def _refuse_unless_open(parcel: Parcel) -> None:
    if parcel.kind != "unadvised":
        raise Conflict("not_unadvised", "only an unadvised parcel's recipient can be named")
    if parcel.recipient_name:
        raise Conflict("has_recipient", "this parcel already has a recipient")
    if parcel.state != ParcelState.DEPOSITED:
        raise Conflict("not_in_locker", f"a {parcel.state} parcel is not waiting in the locker")


def _claimed_carrier(claim: RecipientClaim, carrier: str | None) -> str:
    if carrier is not None:
        if claim.carrier not in (None, carrier):
            raise Conflict("other_carrier", f"this API key belongs to carrier {carrier}")
        return carrier
    if claim.carrier is None or claim.carrier == UNADVISED_CARRIER:
        raise Invalid("carrier_required", "name the carrier this parcel belongs to")
    return claim.carrier


def _flush_unless_duplicate(session: Session, parcel: Parcel) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            "duplicate_parcel", f"{parcel.carrier} already has a parcel {parcel.tracking_code}"
        ) from None
