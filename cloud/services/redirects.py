"""A parcel sent to another locker than its carrier named: the recipient and the carrier are
told (the webhook `parcel.redirected` carries the new locker_id); route planning reads the
parcel's locker when it plans, so the next wave takes it to the new one."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.i18n import say
from cloud.models import Locker, Parcel, Placement
from cloud.services import announcements, notifications


def tell_of_redirect(
    session: Session, parcel: Parcel, placement: Placement, now: datetime, settings: Settings
) -> None:
    new = session.get(Locker, parcel.locker_id)
    told = say(
        parcel.language,
        "Your parcel {code} ({carrier}) goes to locker {name} ({address}, {metres} m away) "
        "instead of {old}, which is full. You will get your PIN when it is there.",
        code=parcel.tracking_code,
        carrier=parcel.carrier,
        name=new.name,
        address=new.address or new.id,
        metres=placement.distance_m,
        old=placement.redirected_from,
    )
    notifications.queue_to_recipient(
        session,
        parcel,
        "redirected",
        told + " " + announcements.link_text(parcel, now, settings),
        now,
        settings,
        subject=told[:200],
    )
    notifications.queue_status_webhook(session, parcel, "redirected", now, settings)
