"""How full the lockers are, per compartment size: now (for the fleet page) and sampled into
the occupancy history (for the KPIs), by `sample_occupancy` run now and then."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from cloud.models import Compartment, CompartmentState, OccupancySample

UNAVAILABLE = (CompartmentState.OUT_OF_SERVICE, CompartmentState.JAMMED)


@dataclass
class SizeCount:
    total: int = 0
    occupied: int = 0
    reserved: int = 0
    unavailable: int = 0
    open: int = 0  # a door open right now (deposit or pickup under way)

    @property
    def free(self) -> int:
        return self.total - self.occupied - self.reserved - self.unavailable - self.open

    def add(self, state: str, count: int) -> None:
        self.total += count
        if state == CompartmentState.OCCUPIED:
            self.occupied += count
        elif state == CompartmentState.RESERVED:
            self.reserved += count
        elif state in UNAVAILABLE:
            self.unavailable += count
        elif state == CompartmentState.OPEN:
            self.open += count


@dataclass
class LockerOccupancy:
    by_size: dict[str, SizeCount] = field(default_factory=dict)

    def size(self, size: str) -> SizeCount:
        return self.by_size.setdefault(size, SizeCount())

    @property
    def whole(self) -> SizeCount:
        whole = SizeCount()
        for count in self.by_size.values():
            for name in ("total", "occupied", "reserved", "unavailable", "open"):
                setattr(whole, name, getattr(whole, name) + getattr(count, name))
        return whole


def current_occupancy(session: Session) -> dict[str, LockerOccupancy]:
    """Every locker's compartments counted by size and state (one grouped query)."""
    query = select(
        Compartment.locker_id, Compartment.size, Compartment.state, func.count()
    ).group_by(col(Compartment.locker_id), col(Compartment.size), col(Compartment.state))
    occupancy: dict[str, LockerOccupancy] = {}
    for locker_id, size, state, count in session.exec(query).all():
        occupancy.setdefault(locker_id, LockerOccupancy()).size(size).add(state, count)
    return occupancy


def sample_occupancy(session: Session, now: datetime) -> int:
    """Add one history row per locker and size as things are now; how many rows were added."""
    rows = [
        OccupancySample(
            locker_id=locker_id,
            sampled_at=now,
            size=size,
            total=count.total,
            occupied=count.occupied,
            reserved=count.reserved,
            unavailable=count.unavailable,
        )
        for locker_id, locker in current_occupancy(session).items()
        for size, count in sorted(locker.by_size.items())
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def occupancy_job(session: Session, now: datetime, _settings) -> str:
    """The maintenance loop's job (cloud/runtime/maintenance_loop.py): one sample of every
    locker."""
    return f"{sample_occupancy(session, now)} occupancy samples"
