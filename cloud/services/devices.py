"""What the cloud knows about a board's connection."""
from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Locker
from cloud.services import locker_alarms, resync
from cloud.services.lockers import get_locker


def set_online(session: Session, locker_id: str, online: bool, now: datetime,
               *, settings: Settings | None = None) -> Locker:
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


def record_telemetry(session: Session, locker: Locker, body: dict, now: datetime) -> Locker:
    """Keep a board's latest telemetry (an already verified message, firmware/core/wire.py)."""
    locker.firmware_version, locker.board_mode = body["fw"], body["mode"]
    locker.reset_cause, locker.uptime_s = body["reset"], body["up"] // 1000
    locker.free_heap, locker.wifi_rssi, locker.reconnects = body["heap"], body["rssi"], body["reconn"]
    locker.telemetry_at = locker.last_seen_at = now
    session.flush()
    return locker
