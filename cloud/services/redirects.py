"""A parcel sent to another locker than its carrier named: the recipient and the carrier are
told (the webhook `parcel.redirected` carries the new locker_id, the locker it was redirected
from and why); route planning reads the parcel's locker when it plans, so the next wave takes it
to the new one."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.i18n import say
from cloud.models import Locker, Parcel, Placement
from cloud.services import announcements, notifications

FULL_AT_PREADVICE = "full_at_preadvice"  # the carrier's locker had no room when announced
FULL_AT_DEPOSIT = "full_at_deposit"  # it had none when the courier came with the parcel
RECIPIENT_CHOICE = "recipient_choice"  # the recipient chose another on their page


def tell_of_redirect(
    session: Session,
    parcel: Parcel,
    placement: Placement,
    now: datetime,
    settings: Settings,
    *,
    reason: str = FULL_AT_PREADVICE,
) -> None:
    new = session.get(Locker, parcel.locker_id)
    told = _wording(parcel, new, placement, reason)
    notifications.queue_to_recipient(
        session,
        parcel,
        "redirected",
        told + " " + announcements.link_text(parcel, now, settings),
        now,
        settings,
        subject=told[:200],
        occasion=new.id,  # a parcel redirected again is told again
    )
    tell_carrier(session, parcel, placement.redirected_from, now, settings, reason=reason)


def tell_carrier(
    session: Session,
    parcel: Parcel,
    redirected_from: str,
    now: datetime,
    settings: Settings,
    *,
    reason: str,
) -> None:
    """The carrier's `parcel.redirected` webhook: the parcel's new locker, its old one and why
    (once per new locker: a parcel redirected again is told again)."""
    notifications.queue_status_webhook(
        session,
        parcel,
        "redirected",
        now,
        settings,
        detail={"reason": reason, "redirected_from": redirected_from},
        occasion=parcel.locker_id,
    )


def _wording(parcel: Parcel, new: Locker, placement: Placement, reason: str) -> str:
    fields = {
        "code": parcel.tracking_code,
        "carrier": parcel.carrier,
        "name": new.name,
        "address": new.address or new.id,
        "metres": placement.distance_m,
        "old": placement.redirected_from,
    }
    if reason == FULL_AT_DEPOSIT:
        return say(
            parcel.language,
            "Locker {old} was full when the courier brought your parcel {code} ({carrier}). "
            "It goes to locker {name} ({address}, {metres} m away) instead. You will get your "
            "PIN when it is there.",
            **fields,
        )
    return say(
        parcel.language,
        "Your parcel {code} ({carrier}) goes to locker {name} ({address}, {metres} m away) "
        "instead of {old}, which is full. You will get your PIN when it is there.",
        **fields,
    )
