"""What the set-up and Routes pages read of a depot beyond cloud/services/depots.py."""

from sqlmodel import Session, col, select

from cloud.models import Locker


def depot_lockers(session: Session, depot_id: str) -> list[Locker]:
    """The lockers the depot's vans serve (Locker.depot_id), by id."""
    query = select(Locker).where(Locker.depot_id == depot_id).order_by(col(Locker.id))
    return list(session.exec(query).all())
