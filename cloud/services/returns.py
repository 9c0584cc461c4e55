"""Return drop-offs: a carrier or retailer asks for a return at a locker; the person returning
gets a one-time return code, typed at the keypad it opens a compartment of the right size
(the board holds the code's verifier: firmware/core/credentials.py), and the door closing
(`return_deposited`) schedules the parcel's collection by a courier."""

import secrets
from datetime import datetime, timedelta
from typing import cast

from sqlmodel import Session, col, select

from cloud.core.clock import to_ms
from cloud.core.config import Settings
from cloud.core.security import pin_hash
from cloud.models import (
    COMPARTMENT_SIZES,
    Compartment,
    Locker,
    Parcel,
    ParcelState,
    PickupCredential,
)
from cloud.models.returns import ReturnCreate
from cloud.services import assignment, audit, lockers, notifications, outbox, parcels, reservation
from cloud.services.credentials import _unique_pin  # one PIN space per locker: no clashes
from cloud.services.errors import Invalid
from protocol.verifiers import pin_verifier

RETURN = "return"  # Parcel.kind of a return, PickupCredential.holder of its return code
HOLDER = RETURN


def create_return(
    session: Session,
    data: ReturnCreate,
    now: datetime,
    settings: Settings,
    *,
    actor: str = "system",
) -> tuple[Parcel, Compartment, str]:
    """A return parcel with a compartment reserved and its return code (sent to the person)."""
    locker = lockers.get_locker(session, data.locker_id)
    compartments = lockers.compartments_of(session, locker.id, for_update=True)
    dimensions = _dimensions(data)
    compartment = cast(Compartment, assignment.choose_compartment(compartments, dimensions))
    parcel = Parcel(
        kind=RETURN,
        carrier=data.carrier,
        locker_id=locker.id,
        tracking_code=data.tracking_code or _return_code_name(),
        width_mm=dimensions[0],
        height_mm=dimensions[1],
        depth_mm=dimensions[2],
        recipient_name=data.contact.name,
        recipient_phone=data.contact.phone,
        recipient_email=data.contact.email,
        state=ParcelState.RESERVED,
        compartment_id=compartment.id,
        created_at=now,
    )
    _insert(session, parcel)
    reservation.reserve(parcel, compartment)
    code, credential = _issue_code(session, locker, parcel, now, settings)
    push_return(session, parcel, compartment, credential, now, settings)
    _notify(session, parcel, locker, compartment, code, credential.expires_at, now, settings)
    audit.record(
        session,
        actor,
        "return_requested",
        f"parcel:{parcel.id}",
        now,
        carrier=parcel.carrier,
        tracking_code=parcel.tracking_code,
        locker=locker.id,
    )
    return parcel, compartment, code


def _insert(session: Session, parcel: Parcel) -> None:
    parcels.refuse_duplicate(session, parcel.carrier, parcel.locker_id, parcel.tracking_code)
    parcels.insert(session, parcel)


def _dimensions(data: ReturnCreate) -> tuple[int, int, int]:
    if data.size is not None:
        return COMPARTMENT_SIZES[data.size]
    if data.width_mm and data.height_mm and data.depth_mm:
        return data.width_mm, data.height_mm, data.depth_mm
    raise Invalid("size_required", "give a compartment size (S, M, L) or all three dimensions")


def _return_code_name() -> str:
    return "RET-" + secrets.token_hex(5).upper()


def _issue_code(
    session: Session, locker: Locker, parcel: Parcel, now: datetime, settings: Settings
) -> tuple[str, PickupCredential]:
    # Drawn from the locker's PIN space (no live PIN or courier code equals it): the board checks
    # a typed code against pickups first, then returns.
    code = _unique_pin(session, locker.id, now, settings)
    credential = PickupCredential(
        parcel_id=parcel.id,
        pin_hash=pin_hash(settings.pepper, locker.id, code),
        board_verifier=pin_verifier(bytes.fromhex(locker.device_key), code),
        holder=HOLDER,
        expires_at=now + timedelta(hours=settings.reservation_hours),
        created_at=now,
    )
    session.add(credential)
    session.flush()
    return code, credential


def push_return(
    session: Session,
    parcel: Parcel,
    compartment: Compartment,
    credential: PickupCredential,
    now: datetime,
    settings: Settings,
) -> None:
    """Queue the `return` command: the reservation plus the return code's verifier."""
    fields = {
        "parcel": parcel.tracking_code,
        "cmp": compartment.number,
        "v": credential.board_verifier,
        "until": to_ms(credential.expires_at),
        "asof": lockers.applied_seq(session, parcel.locker_id),
    }
    ttl_s = max(10, int((credential.expires_at - now).total_seconds()))
    outbox.queue(session, parcel.locker_id, "return", fields, now, ttl_s, settings=settings)


def _notify(
    session: Session,
    parcel: Parcel,
    locker: Locker,
    compartment: Compartment,
    code: str,
    credential_until: datetime,
    now: datetime,
    settings: Settings,
) -> None:
    where = f"locker {locker.name}" + (f", {locker.address}" if locker.address else "")
    message = (
        f"Drop your return {parcel.tracking_code} off at {where}: type the code "
        f"({notifications.PIN_PLACEHOLDER}) and # on the keypad; compartment "
        f"{compartment.number} opens. Valid until {credential_until:%Y-%m-%d %H:%M} UTC."
    )
    for channel, address in notifications.contacts(parcel.recipient_phone, parcel.recipient_email):
        notifications.queue(
            session,
            parcel,
            channel,
            address,
            "return_code",
            message,
            f"return:{parcel.id}:{channel}",
            now,
            settings,
            subject=f"Your return {parcel.tracking_code}",
            pin=code,
        )


def push_again(
    session: Session, parcel: Parcel, compartment: Compartment, now: datetime, settings: Settings
) -> None:
    """The return moved to `compartment` (displaced by a deposit): its unused code goes along."""
    query = select(PickupCredential).where(
        PickupCredential.parcel_id == parcel.id,
        PickupCredential.holder == HOLDER,
        col(PickupCredential.used_at).is_(None),
    )
    credential = session.exec(query).first()
    if credential is not None and credential.expires_at > now:
        push_return(session, parcel, compartment, credential, now, settings)


def code_expiry(session: Session, parcel: Parcel) -> datetime:
    """Until when the return's code opens its compartment."""
    query = select(PickupCredential.expires_at).where(
        PickupCredential.parcel_id == parcel.id, PickupCredential.holder == HOLDER
    )
    return session.exec(query).one()


def live_return_codes(
    session: Session, locker_id: str, now: datetime
) -> list[tuple[Parcel, Compartment, PickupCredential]]:
    """Return parcels reserved in this locker whose code is unused and unexpired."""
    query = (
        select(Parcel, Compartment, PickupCredential)
        .join(Compartment, col(Compartment.id) == Parcel.compartment_id)
        .join(PickupCredential, col(PickupCredential.parcel_id) == Parcel.id)
        .where(
            Parcel.locker_id == locker_id,
            Parcel.kind == RETURN,
            Parcel.state == ParcelState.RESERVED,
            col(PickupCredential.used_at).is_(None),
            PickupCredential.expires_at > now,
        )
        .order_by(col(PickupCredential.id))
    )
    return [tuple(row) for row in session.exec(query).all()]


def resync(session: Session, locker: Locker, now: datetime, settings: Settings) -> int:
    live = live_return_codes(session, locker.id, now)
    for parcel, compartment, credential in live:
        push_return(session, parcel, compartment, credential, now, settings)
    return len(live)
