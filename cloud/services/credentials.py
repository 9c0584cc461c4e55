"""Pickup PINs: issued when a parcel is deposited, stored only as keyed hashes."""

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.core.clock import to_ms
from cloud.core.config import Settings
from cloud.core.security import pin_hash
from cloud.models import Compartment, Locker, Parcel, ParcelState, PickupCredential
from cloud.services import lockers, notifications, outbox, qr
from cloud.services.errors import Conflict
from protocol.verifiers import pin_verifier
from protocol.wire import COURIER_CODE_MIN

MAX_PIN_DRAWS = 50  # at most 1 in GUESS_ODDS PINs is live: one draw nearly always does
# One guess at a keypad opens a door with a chance of at most 1 in GUESS_ODDS: a locker's PINs
# get longer as more of them are live (pin_length_for). The board's back-off (firmware/core/
# lockout.py) limits how many guesses there are.
GUESS_ODDS = 100_000
DIGITS = "0123456789"
_random = secrets.SystemRandom()  # where PIN digits come from (tests put a scripted one here)


def issue_pickup(
    session: Session,
    locker: Locker,
    parcel: Parcel,
    compartment: Compartment,
    now: datetime,
    settings: Settings,
) -> str:
    """A fresh PIN for the parcel: hash stored, verifier sent to the board, recipient notified
    (the PIN, and by email the QR code too)."""
    parcel.pickup_deadline = now + timedelta(hours=settings.pickup_hours)
    pin, credential = new_credential(
        session, locker, parcel, compartment, "recipient", now, settings
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
        key=f"pickup:{parcel.id}:{credential.id}",
    )
    return pin


def new_credential(
    session: Session,
    locker: Locker,
    parcel: Parcel,
    compartment: Compartment,
    holder: str,
    now: datetime,
    settings: Settings,
) -> tuple[str, PickupCredential]:
    """A fresh PIN for `holder`, valid until the parcel's deadline, pushed to the board; a
    delegate's sits next to the recipient's there (`keep`)."""
    pin = _unique_pin(session, locker.id, now, settings, tracking_code=parcel.tracking_code)
    credential = PickupCredential(
        parcel_id=parcel.id,
        pin_hash=pin_hash(settings.pepper, locker.id, pin),
        board_verifier=pin_verifier(bytes.fromhex(locker.device_key), pin),
        holder=holder,
        expires_at=parcel.pickup_deadline,
        created_at=now,
    )
    session.add(credential)
    session.flush()
    push_credential(
        session,
        locker.id,
        parcel,
        compartment,
        credential,
        now,
        settings,
        keep=holder != "recipient",
    )
    return pin, credential


def push_credential(
    session: Session,
    locker_id: str,
    parcel: Parcel,
    compartment: Compartment,
    credential: PickupCredential,
    now: datetime,
    settings: Settings,
    *,
    keep: bool = False,
) -> None:
    """Queue the `credential` command that lets the board check the parcel's PIN itself; its
    `asof` lets the board drop it if it saw the parcel collected in an event the cloud had not
    applied yet (protocol.md, "Stale commands"). Without `keep` it replaces the parcel's other
    verifiers on the board; with it, it is added next to them (a delegate's PIN)."""
    fields = {
        "parcel": parcel.tracking_code,
        "cmp": compartment.number,
        "v": credential.board_verifier,
        "until": to_ms(credential.expires_at),
        "asof": lockers.applied_seq(session, locker_id),
    }
    if keep:
        fields["keep"] = 1
    # the display lines after this PIN or QR code matches, in the recipient's language (the
    # board shows its own for one it has no lines in: firmware/core/phrases.py)
    fields["lang"] = parcel.language
    # The board needs this for as long as the PIN lives, so it may arrive late but not never.
    ttl_s = int((credential.expires_at - now).total_seconds())
    outbox.queue(session, locker_id, "credential", fields, now, ttl_s, settings=settings)


def pin_length_for(live_after: int, minimum: int) -> int:
    """The digits for a new PIN: the fewest, and at least `minimum`, for which the locker's
    `live_after` live PINs (the new one included) are at most 1 in GUESS_ODDS of all PINs of
    that length. So with a minimum of 6: 6 digits up to 10 live, 7 up to 100, 8 up to 1000.

    A shorter PIN is only ever issued while fewer PINs are live, so at any time the live PINs of
    each length stay within the odds too: a guess (of whatever length) is never likelier."""
    length = minimum
    while live_after * GUESS_ODDS > 10**length:
        length += 1
    return length


def _unique_pin(
    session: Session,
    locker_id: str,
    now: datetime,
    settings: Settings,
    *,
    tracking_code: str | None = None,
) -> str:
    # A PIN equal to a live PIN of this locker would open two doors. A PIN is always shorter
    # than a courier code (wire.COURIER_CODE_MIN), so it never equals one, and a guess tries
    # PINs or courier codes, never both (courier_codes.py). One an earlier parcel with
    # `tracking_code` had here would let its holder, and its QR code (bound to the PIN's
    # verifier), open this parcel: the board knows parcels by code alone.
    live = _live_pin_hashes(session, locker_id, now)
    taken = live | (
        _pin_hashes_of_code(session, locker_id, tracking_code) if tracking_code else set()
    )
    length = pin_length_for(len(live) + 1, settings.pin_length)  # the guessing odds: live PINs
    if length >= COURIER_CODE_MIN:  # more than 10,000 live PINs at one locker
        raise Conflict("pins_exhausted", f"locker {locker_id} has too many live PINs")
    for _ in range(MAX_PIN_DRAWS):
        pin = "".join(_random.choice(DIGITS) for _ in range(length))
        if pin_hash(settings.pepper, locker_id, pin) not in taken:
            return pin
    raise Conflict("pins_exhausted", f"no unused PIN found for locker {locker_id}")


def _live_pin_hashes(session: Session, locker_id: str, now: datetime) -> set[str]:
    query = (
        select(PickupCredential.pin_hash)
        .join(Parcel, col(Parcel.id) == PickupCredential.parcel_id)
        .where(
            Parcel.locker_id == locker_id,
            col(PickupCredential.used_at).is_(None),
            PickupCredential.expires_at > now,
        )
    )
    return set(session.exec(query).all())


def _pin_hashes_of_code(session: Session, locker_id: str, tracking_code: str) -> set[str]:
    query = (
        select(PickupCredential.pin_hash)
        .join(Parcel, col(Parcel.id) == PickupCredential.parcel_id)
        .where(Parcel.locker_id == locker_id, Parcel.tracking_code == tracking_code)
    )
    return set(session.exec(query).all())


def live_credentials(
    session: Session, locker_id: str, now: datetime
) -> list[tuple[Parcel, Compartment, PickupCredential]]:
    """The unused, unexpired credentials of the parcels deposited in this locker."""
    query = (
        select(Parcel, Compartment, PickupCredential)
        .join(Compartment, col(Compartment.id) == Parcel.compartment_id)
        .join(PickupCredential, col(PickupCredential.parcel_id) == Parcel.id)
        .where(
            Parcel.locker_id == locker_id,
            Parcel.state == ParcelState.DEPOSITED,
            col(PickupCredential.used_at).is_(None),
            PickupCredential.expires_at > now,
        )
        .order_by(col(PickupCredential.id))
    )
    return [tuple(row) for row in session.exec(query).all()]


def mark_used(session: Session, parcel: Parcel, now: datetime) -> None:
    """Close the parcel's open credentials: the parcel has been collected."""
    query = select(PickupCredential).where(
        PickupCredential.parcel_id == parcel.id, col(PickupCredential.used_at).is_(None)
    )
    for credential in session.exec(query).all():
        credential.used_at = now
