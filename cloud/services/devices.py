"""What the cloud knows about a board's connection."""
from datetime import datetime

from sqlmodel import Session

from cloud.models import Locker
from cloud.services.lockers import get_locker


def set_online(session: Session, locker_id: str, online: bool, now: datetime) -> Locker:
    """Record a board's retained status message (or its last will); NotFound for unknown ids."""
    locker = get_locker(session, locker_id)
    locker.online, locker.last_seen_at = online, now
    session.flush()
    return locker
