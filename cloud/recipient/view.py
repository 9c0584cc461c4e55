"""What the recipient page shows of a parcel: its state, where it is, its own milestones (no
operator, no board detail, no other parcel) and, while it waits in the locker, the QR code of
the viewer's own credential."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.models import Compartment, Locker, Parcel, ParcelState, PickupCredential
from cloud.notify import qr_image
from cloud.recipient import texts
from cloud.services import notifications, qr, recipient_hold

MILESTONES = (
    "created_at",
    "deposited_at",
    "extended_at",
    "collected_at",
    "expired_at",
    "returned_at",
)


@dataclass(frozen=True)
class Moment:
    at: str
    what: str


@dataclass(frozen=True)
class ParcelView:
    parcel: Parcel
    holder: str
    state: str
    where: str
    compartment: int | None
    deadline: str | None
    moments: list[Moment]
    qr_data_uri: str | None
    waiting: bool  # in the locker before its deadline: QR, PIN, extend and delegate apply
    before_deposit: bool  # not in the locker yet: redirect and hold apply
    held_until: str | None


def view(session: Session, parcel: Parcel, holder: str, now: datetime) -> ParcelView:
    lang = parcel.language
    locker = session.get(Locker, parcel.locker_id)
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    waiting = (
        parcel.state == ParcelState.DEPOSITED
        and parcel.pickup_deadline is not None
        and now < parcel.pickup_deadline
    )
    return ParcelView(
        parcel=parcel,
        holder=holder,
        state=texts.state_text(lang, parcel.state),
        where=", ".join(part for part in (locker.name, locker.address) if part),
        compartment=compartment.number if compartment and waiting else None,
        deadline=notifications.deadline_text(parcel.pickup_deadline)
        if parcel.pickup_deadline
        else None,
        moments=timeline(parcel),
        qr_data_uri=_qr(session, parcel, locker, compartment, holder, now) if waiting else None,
        waiting=waiting,
        before_deposit=parcel.state in recipient_hold.BEFORE_DEPOSIT,
        held_until=f"{parcel.hold_until:%Y-%m-%d}" if parcel.hold_until else None,
    )


def timeline(parcel: Parcel) -> list[Moment]:
    """The parcel's own milestones, oldest first."""
    happened = [(getattr(parcel, name), name) for name in MILESTONES if getattr(parcel, name)]
    return [
        Moment(f"{at:%Y-%m-%d %H:%M} UTC", texts.milestone_text(parcel.language, name))
        for at, name in sorted(happened)
    ]


def _qr(session, parcel, locker, compartment, holder, now) -> str | None:
    """The QR code of the viewer's newest live credential, as an image the page embeds."""
    query = (
        select(PickupCredential)
        .where(
            PickupCredential.parcel_id == parcel.id,
            PickupCredential.holder == holder,
            col(PickupCredential.used_at).is_(None),
            PickupCredential.expires_at > now,
        )
        .order_by(col(PickupCredential.id).desc())
    )
    credential = session.exec(query).first()
    if credential is None:
        return None
    return qr_image.data_uri(qr.token_for(locker, compartment, parcel, credential))
