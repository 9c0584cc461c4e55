"""Pickup PINs: issued when a parcel is deposited, stored only as keyed hashes."""
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.core.clock import to_ms
from cloud.core.config import Settings
from cloud.core.security import pin_hash
from cloud.models import Compartment, Locker, Parcel, PickupCredential
from cloud.services import notifications, outbox
from cloud.services.errors import Conflict
from firmware.core.verifiers import pin_verifier

MAX_PIN_DRAWS = 50  # with 10**6 PINs and a few hundred live ones, one draw nearly always does


def issue_pickup(session: Session, locker: Locker, parcel: Parcel, compartment: Compartment,
                 now: datetime, settings: Settings) -> str:
    """A fresh PIN for the parcel: hash stored, verifier sent to the board, recipient notified."""
    pin = _unique_pin(session, locker.id, now, settings)
    deadline = now + timedelta(hours=settings.pickup_hours)
    session.add(PickupCredential(parcel_id=parcel.id, pin_hash=pin_hash(settings.pepper, locker.id, pin),
                                 expires_at=deadline, created_at=now))
    parcel.pickup_deadline = deadline
    fields = {"parcel": parcel.tracking_code, "cmp": compartment.number,
              "v": pin_verifier(bytes.fromhex(locker.device_key), pin), "until": to_ms(deadline)}
    # The board needs this for as long as the PIN lives, so it may arrive late but not never.
    ttl_s = int((deadline - now).total_seconds())
    outbox.queue(session, locker.id, "credential", fields, now, ttl_s, settings=settings)
    notifications.queue_pickup_notice(session, parcel, locker, compartment, pin, now)
    return pin


def _unique_pin(session: Session, locker_id: str, now: datetime, settings: Settings) -> str:
    taken = _live_pin_hashes(session, locker_id, now)
    for _ in range(MAX_PIN_DRAWS):
        pin = "".join(secrets.choice("0123456789") for _ in range(settings.pin_length))
        if pin_hash(settings.pepper, locker_id, pin) not in taken:
            return pin
    raise Conflict("pins_exhausted", f"no unused PIN found for locker {locker_id}")


def _live_pin_hashes(session: Session, locker_id: str, now: datetime) -> set[str]:
    query = (select(PickupCredential.pin_hash).join(Parcel, col(Parcel.id) == PickupCredential.parcel_id)
             .where(Parcel.locker_id == locker_id, col(PickupCredential.used_at).is_(None),
                    PickupCredential.expires_at > now))
    return set(session.exec(query).all())


def mark_used(session: Session, parcel: Parcel, now: datetime) -> None:
    """Close the parcel's open credentials: the parcel has been collected."""
    query = select(PickupCredential).where(PickupCredential.parcel_id == parcel.id,
                                           col(PickupCredential.used_at).is_(None))
    for credential in session.exec(query).all():
        credential.used_at = now
