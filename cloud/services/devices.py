"""What the cloud knows about a board's connection."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Locker
from cloud.services import locker_alarms, resync
from cloud.services.lockers import get_locker


def set_online(
    session: Session,
    locker_id: str,
    online: bool,
    now: datetime,
    *,
    settings: Settings | None = None,
) -> Locker:
    """Record a board's retained status message (or its last will); NotFound for unknown ids.

    A board that goes offline raises an `offline` alarm; coming back resolves it. Every
    `{"online": true}` also queues the board's state again (cloud.services.resync).
    """
    locker = get_locker(session, locker_id)
    was_online = locker.online
    locker.online, locker.last_seen_at = online, now
    session.flush()
    locker_alarms.board_link_changed(session, locker, was_online, now)
    if online:
        resync.resync_locker(session, locker, now, settings=settings)
    return locker


def record_status(
    session: Session,
    locker: Locker,
    online: bool,
    conn: int,
    now: datetime,
    *,
    settings: Settings | None = None,
) -> bool:
    """Apply a board's signed status (an already verified message, protocol/wire.py) unless
    it is older than the last one applied; False (nothing changed) for an old one.

    Statuses are ordered by connection number, and within one connection online comes before
    its will (offline): so an old will cannot mark a reconnected board offline, nor an old
    online mark a board online again after its will.
    """
    session.refresh(locker, with_for_update={"key_share": True})  # one worker decides at a time
    if (conn, not online) <= (locker.status_conn, not locker.online):
        return False
    locker.status_conn = conn
    set_online(session, locker.id, online, now, settings=settings)
    return True


def record_telemetry(session: Session, locker: Locker, body: dict, now: datetime) -> Locker:
    """Keep a board's latest telemetry (an already verified message, protocol/wire.py)."""
    locker.firmware_version, locker.board_mode = body["fw"], body["mode"]
    locker.reset_cause, locker.uptime_s = body["reset"], body["up"] // 1000
    locker.free_heap, locker.wifi_rssi, locker.reconnects = (
        body["heap"],
        body["rssi"],
        body["reconn"],
    )
    locker.telemetry_at = locker.last_seen_at = now
    session.flush()
    return locker
