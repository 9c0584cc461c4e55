"""Signed links for a recipient (no account): a token naming one parcel and who holds it, valid
until the parcel's pickup deadline. The recipient's lets its holder extend the deadline, show a
fresh PIN or name a delegate; a delegate's (sent with the delegate's PIN) only shows the parcel,
its QR code and a PIN: a delegate never names another.

Tokens are stateless: after an extension the notice carries a new link valid until the new
deadline, and the old link keeps working until its own expiry (the old deadline)."""

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime

from cloud.core import tokens
from cloud.core.config import Settings

RECIPIENT, DELEGATE = "recipient", "delegate"  # as PickupCredential.holder names them
_SUBJECT = {RECIPIENT: "parcel:", DELEGATE: "delegate:"}
PAGE_PATH = "/r/"  # the recipient page (cloud/recipient)


@dataclass(frozen=True)
class LinkHolder:
    parcel_id: uuid.UUID
    holder: str  # RECIPIENT or DELEGATE


def link_token(
    settings: Settings, parcel_id: uuid.UUID, expires_at: datetime, holder: str = RECIPIENT
) -> str:
    return tokens.sign(_key(settings), _SUBJECT[holder] + str(parcel_id), expires_at)


def page_url(
    settings: Settings, parcel_id: uuid.UUID, expires_at: datetime, holder: str = RECIPIENT
) -> str:
    """The link a pickup notice carries to the parcel's page."""
    token = link_token(settings, parcel_id, expires_at, holder)
    return settings.public_url.rstrip("/") + PAGE_PATH + token


def holder_of(settings: Settings, token: str, now: datetime) -> LinkHolder | None:
    """Who a valid, unexpired link token names, for which parcel; None for anything else."""
    subject = tokens.verified_subject(_key(settings), token, now)
    if subject is None:
        return None
    for holder, prefix in _SUBJECT.items():
        if subject.startswith(prefix):
            try:
                return LinkHolder(uuid.UUID(subject[len(prefix) :]), holder)
            except ValueError:
                return None
    return None


def parcel_of(settings: Settings, token: str, now: datetime) -> uuid.UUID | None:
    """The parcel a valid, unexpired recipient's link token names; None for anything else (a
    delegate's link included: it does not act for the recipient)."""
    holder = holder_of(settings, token, now)
    return holder.parcel_id if holder is not None and holder.holder == RECIPIENT else None


def _key(settings: Settings) -> bytes:
    # Its own key, derived: a link token is never an operator's bearer token, nor the reverse.
    return hmac.new(settings.token_key, b"openlocker recipient links v1", hashlib.sha256).digest()
