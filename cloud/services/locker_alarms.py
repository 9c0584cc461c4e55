"""Alarms about a whole locker that clear themselves: `offline` and `full`.

`offline` is raised when a board that was online goes offline (its last will or a clean
goodbye) and resolved when it is back. `full` is raised when a pre-advice is refused because
every compartment the parcel fits is taken, and resolved as soon as any compartment of that
locker is free again: many paths free a compartment (pickup, cancel, collection, lapse...), so
a flush hook watches them all instead of each path remembering to. It resolves at the time the
session was opened with (cloud/core/clock.py set_session_time), not at the wall clock's.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from cloud.core.clock import session_time
from cloud.models import Compartment, CompartmentState, Locker
from cloud.services import alarms

OFFLINE, FULL = "offline", "full"


def board_link_changed(session: Session, locker: Locker, was_online: bool, now) -> None:
    """Raise or resolve the locker's `offline` alarm; a board never seen online raises none."""
    if locker.online:
        alarms.resolve(session, locker.id, OFFLINE, now)
    elif was_online:
        alarms.raise_alarm(session, locker.id, OFFLINE, "the board went offline", now)


def locker_full(session: Session, locker_id: str, detail: str, now) -> None:
    """Record that a pre-advice found no free compartment it fits in."""
    alarms.raise_alarm(session, locker_id, FULL, detail, now)


def _freed_lockers(session: OrmSession) -> set[str]:
    freed = set()
    for obj in session.dirty:
        if isinstance(obj, Compartment) and obj.state == CompartmentState.FREE:
            history = inspect(obj).attrs.state.history
            if history.added and any(old != CompartmentState.FREE for old in history.deleted):
                freed.add(obj.locker_id)
    return freed


@event.listens_for(OrmSession, "before_flush")
def _resolve_full_when_freed(session: OrmSession, _context, _instances) -> None:
    freed = _freed_lockers(session)
    if not freed or not isinstance(session, Session):
        return
    now = session_time(session)  # a flush hook is given no `now`: its session carries it
    with session.no_autoflush:  # the query below must not re-enter this flush
        for locker_id in sorted(freed):
            alarms.resolve(session, locker_id, FULL, now)
