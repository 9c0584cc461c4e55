"""Delegation: the recipient lets someone else collect. The delegate gets a PIN (and QR code)
of their own; the board holds both verifiers, the first used opens the door, and the other
dies with the parcel (the board opens a PIN's door only while its parcel is inside)."""
import uuid
from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Delegate, Parcel
from cloud.services import audit, credentials, notifications, qr
from cloud.services.errors import Conflict
from cloud.services.lifecycle import in_locker


def delegate(session: Session, parcel_id: uuid.UUID, data: Delegate, now: datetime,
             settings: Settings, *, actor: str = "system") -> Parcel:
    """Give `data`'s person a PIN for the parcel (one delegate per parcel)."""
    parcel, locker, compartment = in_locker(session, parcel_id, now)
    if parcel.delegate_name is not None:
        raise Conflict("already_delegated", "this parcel already has a delegate")
    parcel.delegate_name, parcel.delegate_phone, parcel.delegate_email = data.name, data.phone, data.email
    pin, credential = credentials.new_credential(session, locker, parcel, compartment, "delegate",
                                                 now, settings)
    notifications.queue_pickup_notice(
        session, parcel, locker, compartment, pin, now, settings,
        qr_token=qr.token_for(locker, compartment, parcel, credential),
        key=f"delegate:{parcel.id}:{credential.id}",
        to=notifications.contacts(data.phone, data.email), name=parcel.recipient_name)
    audit.record(session, actor, "credential_issued", f"parcel:{parcel.id}", now,
                 locker=locker.id, tracking_code=parcel.tracking_code, holder="delegate")
    session.flush()
    return parcel
