"""A parcel sent to another locker than its carrier named: the recipient and the carrier are
told (the webhook `parcel.redirected` carries the new locker_id); route planning reads the
parcel's locker when it plans, so the next wave takes it to the new one."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Locker, Parcel, Placement
from cloud.services import notifications


def tell_of_redirect(
    session: Session, parcel: Parcel, placement: Placement, now: datetime, settings: Settings
) -> None:
    new = session.get(Locker, parcel.locker_id)
    walk = f", {placement.distance_m} m away" if placement.distance_m is not None else ""
    notifications.queue_to_recipient(
        session,
        parcel,
        "redirected",
        f"Your parcel {parcel.tracking_code} ({parcel.carrier}) goes to locker {new.name} "
        f"({new.address}{walk}) instead of {placement.redirected_from}, which is full. "
        "You will get your PIN when it is there.",
        now,
        settings,
    )
    notifications.queue_status_webhook(session, parcel, "redirected", now, settings)
