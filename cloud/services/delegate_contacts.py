"""Delegates' contacts across the fleet: one phone or email given as the delegate of many
parcels is how doors get funnelled to one person, by a stolen login or by many recipients'
links alike. Given for more than `delegate_contact_flag` parcels in `delegate_contact_window_s`
it raises a `delegate_contact` alarm; for more than `delegate_contact_limit` it is refused.

Contacts are personal and purged with their parcel (purge.py), so they are counted by a keyed
hash of the normalised contact (the pepper keys it, like a PIN's), kept with the ledger row and
cleared once older than the window.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select, update

from cloud.core import security
from cloud.core.config import Settings
from cloud.models import DoorRelease
from cloud.models.door_release import GRANTED
from cloud.services import alarms
from cloud.services.errors import RateLimited

ALARM = "delegate_contact"
_KEY_LABEL = b"openlocker delegate contact keys v1"
# Mailboxes that ignore dots in the local part: a.b@gmail.com is ab@gmail.com.
_DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def contact_keys(
    settings: Settings, phone: str | None, email: str | None
) -> tuple[str | None, str | None]:
    """The keyed hashes of a delegate's phone and email (None where not given)."""
    key = hmac.new(settings.pepper, _KEY_LABEL, hashlib.sha256).digest()  # never the PIN key
    return (
        security.keyed_hash(key, "phone:" + normalised_phone(phone)) if phone else None,
        security.keyed_hash(key, "email:" + normalised_email(email)) if email else None,
    )


def normalised_phone(phone: str) -> str:
    """The digits of an international number: +44 1234, 0044 1234 and 441234 alike."""
    digits = "".join(c for c in phone if c.isdigit())
    return digits[2:] if digits.startswith("00") else digits


def normalised_email(email: str) -> str:
    """One mailbox, one text: case folded, a `+tag` dropped (most providers deliver
    name+anything to name), dots dropped where the provider ignores them."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        local, domain = local.replace(".", ""), _DOTLESS[domain]
    return local + "@" + domain


def check(session: Session, attempted: DoorRelease, settings: Settings) -> None:
    """Flag the attempt's contact if it was given too often already; refuse it past the limit."""
    keys = [key for key in (attempted.phone_key, attempted.email_key) if key]
    if not keys:
        return
    window_s = settings.delegate_contact_window_s
    since = attempted.at - timedelta(seconds=window_s)
    uses = _uses(session, since, keys)
    if len(uses) >= settings.delegate_contact_flag:
        alarms.raise_alarm(
            session, attempted.locker_id, ALARM, _detail(attempted, uses, window_s), attempted.at
        )
    if len(uses) >= settings.delegate_contact_limit:
        retry = int((uses[0] - since).total_seconds()) + 1  # until the oldest leaves the window
        raise RateLimited(
            "delegate_contact_limit",
            f"this delegate's phone or email was given "
            f"for {len(uses)} parcels in the last {window_s} s, the most allowed; "
            f"try again in {retry} s",
            retry,
        )


def forget(session: Session, now: datetime, settings: Settings) -> None:
    """Clear the contact keys older than the window: they count for nothing any more."""
    since = now - timedelta(seconds=settings.delegate_contact_window_s)
    session.exec(
        update(DoorRelease)
        .where(
            DoorRelease.at <= since,
            or_(col(DoorRelease.phone_key).is_not(None), col(DoorRelease.email_key).is_not(None)),
        )
        .values(phone_key=None, email_key=None)
    )


def _uses(session: Session, since: datetime, keys: list[str]) -> list[datetime]:
    """When the granted releases to any of these contacts since `since` were, oldest first."""
    query = (
        select(DoorRelease.at)
        .where(
            DoorRelease.at > since,
            col(DoorRelease.outcome).in_(GRANTED.values()),
            or_(col(DoorRelease.phone_key).in_(keys), col(DoorRelease.email_key).in_(keys)),
        )
        .order_by(col(DoorRelease.at))
    )
    return list(session.exec(query).all())


def _detail(attempted: DoorRelease, uses: list[datetime], window_s: int) -> str:
    key = (attempted.phone_key or attempted.email_key or "")[:12]
    return (
        f"a delegate contact (key {key}) was given for {len(uses) + 1} parcels in "
        f"{window_s} s, the latest parcel {attempted.parcel_id} by {attempted.actor}: "
        "check who is collecting them"
    )
