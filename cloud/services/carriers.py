"""Carriers and their API keys: random 32-byte tokens, stored as SHA-256, shown once."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloud.models import ApiKey, Carrier
from cloud.services import audit
from cloud.services.errors import Conflict, NotFound

KEY_PREFIX = "olk_"  # marks a string as an openlocker API key (secret scanners can match it)
_PREFIX_CHARS = 12  # "olk_" and 8 characters of the random part: names a key, reveals nothing


def create_carrier(session: Session, name: str, now: datetime, *, actor: str) -> Carrier:
    carrier = Carrier(name=name, created_at=now)
    try:
        with session.begin_nested():
            session.add(carrier)
    except IntegrityError:
        raise Conflict("carrier_exists", f"carrier {name} exists already") from None
    audit.record(session, actor, "carrier_created", "carrier:" + name, now)
    return carrier


def get_carrier(session: Session, name: str) -> Carrier:
    carrier = session.exec(select(Carrier).where(Carrier.name == name)).first()
    if carrier is None:
        raise NotFound("carrier", name)
    return carrier


def list_carriers(session: Session) -> list[Carrier]:
    return list(session.exec(select(Carrier).order_by(col(Carrier.name))).all())


def issue_key(
    session: Session, carrier: Carrier, now: datetime, *, actor: str
) -> tuple[ApiKey, str]:
    """A new key for the carrier: (its row, the whole key, which is never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        carrier_id=carrier.id, key_hash=key_hash(key), prefix=key[:_PREFIX_CHARS], created_at=now
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "key_issued", "carrier:" + carrier.name, now, prefix=row.prefix)
    return row, key


def keys_of(session: Session, carrier: Carrier) -> list[ApiKey]:
    return list(
        session.exec(
            select(ApiKey).where(ApiKey.carrier_id == carrier.id).order_by(col(ApiKey.id))
        ).all()
    )


def revoke_key(
    session: Session, carrier: Carrier, key_id: int, now: datetime, *, actor: str
) -> ApiKey:
    """Revoke one of the carrier's keys (a repeat keeps the first time)."""
    row = session.get(ApiKey, key_id)
    if row is None or row.carrier_id != carrier.id:
        raise NotFound("api_key", key_id)
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(
            session, actor, "key_revoked", "carrier:" + carrier.name, now, prefix=row.prefix
        )
    session.flush()
    return row


def carrier_for_key(session: Session, key: str) -> Carrier | None:
    """The carrier whose unrevoked key this is, if any."""
    if not key.startswith(KEY_PREFIX):
        return None
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == key_hash(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    return session.get(Carrier, row.carrier_id)


def key_hash(key: str) -> str:
    # A plain SHA-256 suffices: the key is 256 random bits, not a guessable password.
    return hashlib.sha256(key.encode()).hexdigest()
