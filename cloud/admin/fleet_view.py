"""The fleet as an operator sees it: each locker's link, occupancy, firmware and open alarms."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from cloud.admin.occupancy import LockerOccupancy, current_occupancy
from cloud.models import Alarm, Locker
from cloud.services import alarms as alarms_service
from cloud.services import lockers
from cloud.services.site_scope import Sites

# A board reports telemetry every minute (firmware/board/runtime.py, telemetry_s): three
# missed heartbeats while its retained status still says online means something is wrong.
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)


@dataclass
class LockerRow:
    locker: Locker
    status: str  # online, offline, or silent (online, but no heartbeat for a while)
    occupancy: LockerOccupancy
    open_alarms: int


def link_status(locker: Locker, now: datetime) -> str:
    """online / offline from the retained status (and last will); silent if heartbeats stopped."""
    if not locker.online:
        return "offline"
    heard = locker.last_seen_at
    return "silent" if heard is not None and now - heard > HEARTBEAT_STALE_AFTER else "online"


def fleet_rows(session: Session, now: datetime, *, sites: Sites = None) -> list[LockerRow]:
    """Every locker (of the sites, if given), by id, with what the fleet page shows of it."""
    occupancy = current_occupancy(session)
    alarms = open_alarm_counts(session)
    return [
        LockerRow(
            locker,
            link_status(locker, now),
            occupancy.get(locker.id, LockerOccupancy()),
            alarms.get(locker.id, 0),
        )
        for locker in lockers.list_lockers(session, sites=sites)
    ]


def open_alarm_counts(session: Session) -> dict[str, int]:
    query = (
        select(Alarm.locker_id, func.count())
        .where(alarms_service.is_open())
        .group_by(col(Alarm.locker_id))
    )
    return dict(session.exec(query).all())


def firmware_versions(rows: list[LockerRow]) -> list[tuple[str, int]]:
    """How many boards run each firmware version (unknown until a board's first telemetry)."""
    versions = Counter(row.locker.firmware_version or "unknown" for row in rows)
    return sorted(versions.items())
