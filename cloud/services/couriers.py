"""Couriers and the verifier lists their codes become on each board.

A board checks a typed courier code against HMAC(board key, "courier:" + code), so the cloud
needs the clear code to serve any board, including a locker provisioned after the courier was
registered. It therefore keeps the code sealed (AES-GCM under a key derived from the pepper)
next to the keyed hash it is looked up by; whoever can unseal it could equally brute-force the
hash of a 4-12 digit code, so the seal gives away nothing the hash kept.
"""
import re
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.core import security
from cloud.core.config import Settings, get_settings
from cloud.models import Courier, Locker
from cloud.services import outbox
from cloud.services.errors import Conflict, Invalid
from firmware.core.verifiers import courier_verifier

_CODE = re.compile(r"^[0-9]{4,12}$")


def register_courier(session: Session, name: str, code: str, now: datetime,
                     *, settings: Settings | None = None) -> Courier:
    """A new active courier; every locker gets its new courier list."""
    settings = settings or get_settings()
    if not _CODE.match(code):
        raise Invalid("invalid_courier_code", "a courier code is 4 to 12 digits")
    code_hash = security.courier_code_hash(settings.pepper, code)
    if session.exec(select(Courier).where(Courier.code_hash == code_hash)).first() is not None:
        raise Conflict("duplicate_courier_code", "another courier already has this code")
    courier = Courier(name=name, code_hash=code_hash, active=True, created_at=now,
                      code_sealed=security.seal(settings.pepper, code))
    session.add(courier)
    session.flush()
    for locker in session.exec(select(Locker).order_by(col(Locker.id))).all():  # lock order
        push_couriers(session, locker, now, settings=settings)
    return courier


def push_couriers(session: Session, locker: Locker, now: datetime, *,
                  settings: Settings | None = None, skip_empty: bool = False) -> None:
    """Queue a `couriers` command with the verifiers of every active courier for this locker.

    The list replaces the board's, so the last one queued must be the newest: the locker's row
    is locked first, and two transactions pushing lists to one board take turns. (FOR NO KEY
    UPDATE on PostgreSQL: rows referencing the locker, e.g. new inbox or outbox rows, are not
    held up, and wait for nothing of ours.)
    """
    settings = settings or get_settings()
    session.get(Locker, locker.id, with_for_update={"key_share": True})
    verifiers = courier_verifiers(session, locker, settings)
    if verifiers or not skip_empty:
        outbox.queue(session, locker.id, "couriers", {"v": verifiers}, now, settings=settings)


def courier_verifiers(session: Session, locker: Locker, settings: Settings) -> list[str]:
    """What `locker`'s board stores for each active courier's code."""
    key = bytes.fromhex(locker.device_key)
    query = select(Courier).where(col(Courier.active).is_(True)).order_by(col(Courier.created_at))
    return [courier_verifier(key, security.unseal(settings.pepper, courier.code_sealed))
            for courier in session.exec(query).all()]
