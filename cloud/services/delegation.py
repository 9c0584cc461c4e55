"""Delegation: the recipient lets someone else collect. The delegate gets a PIN (and QR code)
of their own; the board holds both verifiers, the first used opens the door, and the other
dies with the parcel (the board opens a PIN's door only while its parcel is inside).

A delegate's PIN opens a door for someone other than the recipient, so every delegation goes
through the door-release budget (door_budget.py): the recipient's own, by their signed link,
names one delegate for one parcel and is only recorded; an operator's needs a reason and counts
against the budget like a remote open. Carriers do not delegate (the API refuses them). Either
way the delegate's phone and email are watched across the fleet (delegate_contacts.py).
"""

import uuid
from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Compartment, Delegate, DoorRelease, Locker, Parcel
from cloud.models.door_release import DELEGATION
from cloud.services import (
    audit,
    credentials,
    delegate_contacts,
    door_budget,
    notifications,
    parcels,
    qr,
)
from cloud.services.errors import Conflict, Invalid
from cloud.services.lifecycle import in_locker


def delegate(
    session: Session,
    parcel_id: uuid.UUID,
    data: Delegate,
    now: datetime,
    settings: Settings,
    *,
    actor: str,
) -> Parcel:
    """Give `data`'s person a PIN for the parcel (one delegate per parcel). `actor` is
    door_budget.RECIPIENT for the recipient's own; anyone else must give `data.reason`.

    A refusal after the parcel is found is on the ledger and raised `on_record`: commit it."""
    if actor != door_budget.RECIPIENT and not data.reason:
        raise Invalid(
            "reason_required",
            "only the recipient may name a delegate without a reason: say why (it is audited)",
        )
    parcel = parcels.get_parcel(session, parcel_id)
    contact_keys = delegate_contacts.contact_keys(settings, data.phone, data.email)
    attempted = door_budget.release(
        DELEGATION,
        parcel.locker_id,
        now,
        actor=actor,
        parcel_id=parcel.id,
        reason=data.reason or "",
        contact_keys=contact_keys,
    )
    with door_budget.attempt(session, attempted, settings):
        parcel, locker, compartment = _delegable(session, attempted, now)
    parcel.delegate_name, parcel.delegate_phone = data.name, data.phone
    parcel.delegate_email = data.email
    pin, credential = credentials.new_credential(
        session, locker, parcel, compartment, "delegate", now, settings
    )
    notifications.queue_pickup_notice(
        session,
        parcel,
        locker,
        compartment,
        pin,
        now,
        settings,
        qr_token=qr.token_for(locker, compartment, parcel, credential),
        key=f"delegate:{parcel.id}:{credential.id}",
        to=notifications.contacts(data.phone, data.email),
        name=parcel.recipient_name,
    )
    audit.record(
        session,
        actor,
        "credential_issued",
        f"parcel:{parcel.id}",
        now,
        locker=locker.id,
        tracking_code=parcel.tracking_code,
        holder="delegate",
    )
    session.flush()
    return parcel


def _delegable(
    session: Session, attempted: DoorRelease, now: datetime
) -> tuple[Parcel, Locker, Compartment]:
    """The parcel, its locker and compartment, if it waits in the locker without a delegate."""
    parcel, locker, compartment = in_locker(session, attempted.parcel_id, now)
    attempted.compartment = compartment.number
    if parcel.delegate_name is not None:
        raise Conflict("already_delegated", "this parcel already has a delegate")
    return parcel, locker, compartment
