"""The last-mile KPIs, read from the database over a time window [since, until).

- pickup rate / expired rate: of the parcels delivered in the window whose stay has ended,
  the share collected / the share that expired in the locker (and stays counted as expired
  once a courier has taken it back to its sender);
- failed rate: of the parcels pre-advised in the window whose delivery is settled (deposited,
  or lapsed because no courier came), the share that lapsed;
- a delivery is a courier's deposit (pre-advised or not): a recipient's return dropped off at
  the locker is none, and counts only as a return;
- mean dwell time: deposit to pickup, over the parcels deposited in the window and collected;
- occupancy over time: the sampled history (cloud/admin/occupancy.py), summed over lockers;
- parcels per courier stop: deposits at one locker no more than STOP_GAP apart make one stop.

Each is over the whole fleet, or over the lockers of some sites (an operator scoped to them).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from cloud.models import OccupancySample, Parcel, ParcelState
from cloud.services import site_scope
from cloud.services.site_scope import Sites

STOP_GAP = timedelta(minutes=15)  # a courier's deposits in one go are minutes apart, not hours
FAILED_STATES = (ParcelState.LAPSED,)  # reserved, but no courier came
RETURN = "return"  # Parcel.kind of a recipient's return (cloud/services/returns.py)


@dataclass(frozen=True)
class Kpis:
    delivered: int  # deposited by a courier in the window
    collected: int  # of those, collected so far
    expired: int  # of those, expired so far (still waiting in the locker or taken back)
    settled: int  # pre-advised in the window and deposited or lapsed
    failed: int  # of those, lapsed
    returns: int  # returns dropped off by recipients in the window
    mean_dwell: timedelta | None
    stops: int

    @property
    def deposits(self) -> int:
        """The deposits counted into stops: those of the window."""
        return self.delivered

    @property
    def pickup_rate(self) -> float | None:
        return _rate(self.collected, self.collected + self.expired)

    @property
    def expired_rate(self) -> float | None:
        return _rate(self.expired, self.collected + self.expired)

    @property
    def failed_rate(self) -> float | None:
        return _rate(self.failed, self.settled)

    @property
    def parcels_per_stop(self) -> float | None:
        return None if not self.stops else self.deposits / self.stops


def last_mile_kpis(
    session: Session, since: datetime, until: datetime, *, sites: Sites = None
) -> Kpis:
    """Every KPI but the occupancy history, for the window [since, until) (at the `sites`'
    lockers, if given)."""
    deposited = _deposited(session, since, until, sites)
    delivered = [p for p in deposited if p.kind != RETURN]
    collected = [p for p in delivered if p.collected_at is not None]
    dwell = [p.collected_at - p.deposited_at for p in collected]
    settled, failed = _settled(session, since, until, sites)
    times: dict[str, list[datetime]] = defaultdict(list)
    for parcel in delivered:
        times[parcel.locker_id].append(parcel.deposited_at)
    return Kpis(
        delivered=len(delivered),
        collected=len(collected),
        # expired_at stays when a courier takes the parcel back (state `returned`)
        expired=sum(p.expired_at is not None and p.collected_at is None for p in delivered),
        settled=settled,
        failed=failed,
        returns=len(deposited) - len(delivered),
        mean_dwell=sum(dwell, timedelta()) / len(dwell) if dwell else None,
        stops=count_stops(times.values()),
    )


def count_stops(deposit_times: Iterable[list[datetime]], gap: timedelta = STOP_GAP) -> int:
    """Courier stops in each locker's deposit times: a new stop after a pause longer than `gap`."""
    stops = 0
    for times in deposit_times:
        ordered = sorted(times)
        stops += sum(
            1
            for before, at in zip([None] + ordered, ordered)
            if before is None or at - before > gap
        )
    return stops


def occupancy_series(
    session: Session,
    since: datetime,
    until: datetime,
    locker_id: str | None = None,
    *,
    sites: Sites = None,
) -> list[tuple[datetime, int, int]]:
    """(sampled_at, occupied, total) per sampling in the window, over all lockers (or one, or
    those of the `sites`)."""
    query = (
        select(
            OccupancySample.sampled_at,
            func.sum(OccupancySample.occupied),
            func.sum(OccupancySample.total),
        )
        .where(OccupancySample.sampled_at >= since, OccupancySample.sampled_at < until)
        .group_by(col(OccupancySample.sampled_at))
        .order_by(col(OccupancySample.sampled_at))
    )
    if locker_id is not None:
        query = query.where(OccupancySample.locker_id == locker_id)
    query = site_scope.within(query, OccupancySample.locker_id, sites)
    return [(at, int(occupied), int(total)) for at, occupied, total in session.exec(query).all()]


def _deposited(session: Session, since: datetime, until: datetime, sites: Sites) -> list[Parcel]:
    query = select(Parcel).where(
        col(Parcel.deposited_at) >= since, col(Parcel.deposited_at) < until
    )
    return list(session.exec(site_scope.within(query, Parcel.locker_id, sites)).all())


def _settled(session: Session, since: datetime, until: datetime, sites: Sites) -> tuple[int, int]:
    in_window = (Parcel.created_at >= since) & (Parcel.created_at < until) & (Parcel.kind != RETURN)
    counted = site_scope.within(select(func.count()).select_from(Parcel), Parcel.locker_id, sites)
    deposited = session.exec(counted.where(in_window, col(Parcel.deposited_at).is_not(None))).one()
    failed = session.exec(
        counted.where(
            in_window, col(Parcel.deposited_at).is_(None), col(Parcel.state).in_(FAILED_STATES)
        )
    ).one()
    return deposited + failed, failed


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else part / whole
