"""The recipient hears of their parcel before it is deposited, with the link to its page
(cloud/recipient), where they may send it to another locker or hold it: when it is
pre-advised (if Settings.announce_to_recipients) and when a full locker sent it elsewhere
(redirects.py).

That link lives until the latest the parcel could still be waiting for its courier: a hold of
HOLD_MAX_DAYS and then a reservation's reservation_hours. The pickup notice brings a new one
that lives until the pickup deadline."""

from datetime import datetime, timedelta

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.i18n import say
from cloud.models import Locker, Parcel
from cloud.models.parcel import HOLD_MAX_DAYS
from cloud.services import notifications, recipient_links


def link_text(parcel: Parcel, now: datetime, settings: Settings) -> str:
    """The sentence with the link to the parcel's page, before its deposit."""
    until = now + timedelta(days=HOLD_MAX_DAYS, hours=settings.reservation_hours)
    url = recipient_links.page_url(settings, parcel.id, until)
    return say(parcel.language, "Your parcel's page: {link}", link=url)


def announce(
    session: Session, parcel: Parcel, locker: Locker, now: datetime, settings: Settings
) -> None:
    """Tell the recipient the parcel is on its way to `locker` (if the cloud is so configured)."""
    if not settings.announce_to_recipients:
        return
    told = say(
        parcel.language,
        "Your parcel {code} ({carrier}) is on its way to locker {name}. Away, or another "
        "locker suits you better? You can hold it or send it elsewhere.",
        code=parcel.tracking_code,
        carrier=parcel.carrier,
        name=locker.name,
    )
    notifications.queue_to_recipient(
        session,
        parcel,
        "announced",
        told + " " + link_text(parcel, now, settings),
        now,
        settings,
        subject=told,
    )
