"""Signed links for a recipient (no account): a token naming one parcel, valid until the
parcel's deadline, that lets its holder extend the deadline or name a delegate."""

import hashlib
import hmac
import uuid
from datetime import datetime

from cloud.core import tokens
from cloud.core.config import Settings

_SUBJECT = "parcel:"


def link_token(settings: Settings, parcel_id: uuid.UUID, expires_at: datetime) -> str:
    return tokens.sign(_key(settings), _SUBJECT + str(parcel_id), expires_at)


def parcel_of(settings: Settings, token: str, now: datetime) -> uuid.UUID | None:
    """The parcel a valid, unexpired link token names; None for anything else."""
    subject = tokens.verified_subject(_key(settings), token, now)
    if subject is None or not subject.startswith(_SUBJECT):
        return None
    try:
        return uuid.UUID(subject[len(_SUBJECT) :])
    except ValueError:
        return None


def _key(settings: Settings) -> bytes:
    # Its own key, derived: a link token is never an operator's bearer token, nor the reverse.
    return hmac.new(settings.token_key, b"openlocker recipient links v1", hashlib.sha256).digest()
