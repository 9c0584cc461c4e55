"""A PIN shown on the recipient's page ("Show my PIN"). PINs are stored only as hashes, so
showing one means issuing a fresh one: the holder's old PIN (and its QR code) die, the board
gets the parcel's live verifiers again without it, and the new PIN is shown once.

A fresh PIN opens a door, so every reveal is on the door-release ledger (door_budget.py, kind
`reissue`): the recipient's own is recorded, a delegate's is counted like any release for
someone else. At most MAX_REVEALS per parcel, granted or not: a leaked link cannot be used to
mint PINs without end."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, func, select

from cloud.core.config import Settings
from cloud.models import Compartment, DoorRelease, Locker, Parcel, PickupCredential
from cloud.models.door_release import REISSUE
from cloud.services import audit, credentials, door_budget, parcels, recipient_links
from cloud.services.errors import RateLimited
from cloud.services.lifecycle import in_locker

MAX_REVEALS = 3  # per parcel: enough for a lost SMS and a second phone


def reveal(
    session: Session, parcel_id: uuid.UUID, holder: str, now: datetime, settings: Settings
) -> str:
    """A fresh PIN for the parcel's `holder` (recipient or delegate), replacing theirs.

    A refusal after the parcel is found is on the ledger and raised `on_record`: commit it."""
    parcel = parcels.get_parcel(session, parcel_id)
    attempted = door_budget.release(
        REISSUE,
        parcel.locker_id,
        now,
        actor=actor_of(holder, parcel.id),
        parcel_id=parcel.id,
        reason="shown on the recipient page",
    )
    with door_budget.attempt(session, attempted, settings):
        parcel, locker, compartment = in_locker(session, parcel_id, now)
        attempted.compartment = compartment.number
        _refuse_past_limit(session, parcel)
    pin = _reissue(session, parcel, locker, compartment, holder, now, settings)
    audit.record(
        session,
        attempted.actor,
        "credential_issued",
        f"parcel:{parcel.id}",
        now,
        locker=locker.id,
        tracking_code=parcel.tracking_code,
        holder=holder,
        why="shown on the recipient page",
    )
    session.flush()
    return pin


def actor_of(holder: str, parcel_id: uuid.UUID) -> str:
    """As the audit and the ledger name whoever acts by a link: the recipient, or the parcel's
    delegate (an actor of their own, so that one delegate's releases are counted as theirs)."""
    return door_budget.RECIPIENT if holder == recipient_links.RECIPIENT else f"delegate:{parcel_id}"


def reveals_left(session: Session, parcel_id: uuid.UUID) -> int:
    return max(0, MAX_REVEALS - _reveals(session, parcel_id))


def _reveals(session: Session, parcel_id: uuid.UUID) -> int:
    query = (
        select(func.count())
        .select_from(DoorRelease)
        .where(DoorRelease.parcel_id == parcel_id, DoorRelease.kind == REISSUE)
    )
    return session.exec(query).one()


def _refuse_past_limit(session: Session, parcel: Parcel) -> None:
    if _reveals(session, parcel.id) >= MAX_REVEALS:
        raise RateLimited(
            "too_many_reveals",
            f"a PIN for this parcel was shown {MAX_REVEALS} times, the most allowed: use the "
            "last one, or ask the carrier",
            3600,
        )


def _reissue(
    session: Session,
    parcel: Parcel,
    locker: Locker,
    compartment: Compartment,
    holder: str,
    now: datetime,
    settings: Settings,
) -> str:
    for old in _live(session, parcel, holder):
        old.used_at = now  # revoked: no longer live, so not pushed again below
    pin, _ = credentials.new_credential(session, locker, parcel, compartment, holder, now, settings)
    # The board's verifiers again, the old one left out: the first replaces, the rest join it.
    for n, credential in enumerate(_live(session, parcel)):
        credentials.push_credential(
            session, locker.id, parcel, compartment, credential, now, settings, keep=n > 0
        )
    return pin


def _live(session: Session, parcel: Parcel, holder: str | None = None) -> list[PickupCredential]:
    query = select(PickupCredential).where(
        PickupCredential.parcel_id == parcel.id, col(PickupCredential.used_at).is_(None)
    )
    if holder is not None:
        query = query.where(PickupCredential.holder == holder)
    return list(session.exec(query.order_by(col(PickupCredential.id))).all())
