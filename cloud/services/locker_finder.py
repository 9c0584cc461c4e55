"""Which locker a parcel goes to when the carrier gives an address, or its locker is full.

The candidates are the lockers with coordinates within walking distance (Settings.walk_max_m)
of the delivery point, or of the full locker: the recipient's preferred locker first, then
the nearest. Each is tried as a pre-advice would be (cloud/services/assignment.py) with its
compartments locked; a locker another pre-advice holds is skipped as busy rather than waited
for, so two pre-advices trying each other's lockers never deadlock. The answer names the
locker and every locker considered, with what came of it."""

from typing import NamedTuple

from sqlmodel import Session, col, func, select

from cloud.core.config import Settings
from cloud.models import Compartment, Locker, LockerOption, Parcel, ParcelCreate, Placement
from cloud.routing.travel import great_circle_m
from cloud.services import assignment, lockers, postcodes
from cloud.services.errors import Conflict, DomainError
from cloud.services.geocoder import NominatimGeocoder

NEAREST_SHOWN = 3  # options named in a refusal


class Need(NamedTuple):
    """What a locker must have a free compartment for."""

    dimensions: tuple[int, int, int]  # width, height, depth in mm
    accessible: bool  # a low compartment, reachable from a wheelchair

    @classmethod
    def of(cls, parcel: ParcelCreate | Parcel) -> "Need":
        """A pre-advice's need, or that of a parcel already announced."""
        accessible = (
            parcel.recipient.accessible if isinstance(parcel, ParcelCreate) else parcel.accessible
        )
        return cls((parcel.width_mm, parcel.height_mm, parcel.depth_mm), accessible)


def for_delivery_point(session: Session, data: ParcelCreate, settings: Settings) -> Placement:
    """The locker for a pre-advice that gives the recipient's delivery point."""
    point = _where(session, data, settings)
    return _choose(session, Need.of(data), point, settings, first=data.preferred_locker_id)


def away_from_full(
    session: Session, full: Locker, need: Need, settings: Settings
) -> Placement | None:
    """The nearest locker with room, for a parcel its locker has none for (at pre-advice or at
    the courier's deposit); None when the full locker has no coordinates or nothing in walking
    distance has room."""
    if full.latitude is None:
        return None
    point = (full.latitude, full.longitude)
    try:
        placement = _choose(session, need, point, settings, exclude=full.id)
    except Conflict:
        return None
    return placement.model_copy(update={"redirected_from": full.id})


def with_room_near(
    session: Session,
    locker: Locker,
    dimensions: tuple[int, int, int],
    accessible: bool,
    settings: Settings,
) -> list[tuple[Locker, int]]:
    """The other lockers in walking distance of `locker` with a free compartment the parcel
    fits, nearest first, with their distance in metres: what a recipient may redirect to.
    Read without locks: the redirect itself checks again under them."""
    if locker.latitude is None:
        return []
    point = (locker.latitude, locker.longitude)
    options = []
    for other, metres in _by_distance(session, point, None, locker.id):
        if metres > settings.walk_max_m:
            break  # sorted by distance: the rest are farther still
        try:
            assignment.choose_compartment(
                lockers.compartments_of(session, other.id), dimensions, accessible
            )
        except DomainError:
            continue
        options.append((other, round(metres)))
    return options


def _where(session: Session, data: ParcelCreate, settings: Settings) -> tuple[float, float]:
    spot = data.delivery_point
    if spot.postcode:
        geocoder = NominatimGeocoder.from_settings(settings)
        return postcodes.locate(session, spot.country, spot.postcode, geocoder)
    return spot.latitude, spot.longitude


def _choose(session, need, point, settings, first=None, exclude=None) -> Placement:
    considered, beyond = [], 0
    for locker, metres in _by_distance(session, point, first, exclude):
        if metres > settings.walk_max_m and locker.id != first:  # the recipient's pick is theirs
            considered.append(_option(locker, metres, "beyond walking distance"))
            beyond += 1
            if beyond == NEAREST_SHOWN:  # sorted by distance: the rest are farther still
                break
            continue
        outcome = _try(session, locker, need)
        considered.append(_option(locker, metres, outcome))
        if outcome == "chosen":
            return Placement(locker_id=locker.id, distance_m=round(metres), considered=considered)
    raise Conflict("no_locker_in_range", _refusal(considered, settings))


def _by_distance(session, point, first, exclude) -> list[tuple[Locker, float]]:
    query = select(Locker).where(col(Locker.latitude).is_not(None)).order_by(col(Locker.id))
    lockers = [locker for locker in session.exec(query) if locker.id != exclude]
    if not lockers:
        return []
    metres = great_circle_m([point] + [(lk.latitude, lk.longitude) for lk in lockers])[0, 1:]
    ranked = sorted(zip(lockers, metres), key=lambda pair: (pair[0].id != first, pair[1]))
    return [(locker, float(m)) for locker, m in ranked]


def _try(session: Session, locker: Locker, need: Need) -> str:
    compartments = _locked_or_busy(session, locker.id)
    if compartments is None:
        return "busy (another pre-advice holds it)"
    try:
        assignment.choose_compartment(compartments, need.dimensions, need.accessible)
    except DomainError as refusal:
        return "full" if refusal.code == "locker_full" else "no compartment fits"
    return "chosen"


def _locked_or_busy(session: Session, locker_id: str) -> list[Compartment] | None:
    """The locker's compartments, locked; None if another transaction holds any of them."""
    mine = Compartment.locker_id == locker_id
    locked = list(
        session.exec(
            select(Compartment)
            .where(mine)
            .order_by(col(Compartment.number))
            # SKIP LOCKED: never wait while holding other lockers (no deadlock)
            .with_for_update(skip_locked=True)
        )
    )
    total = session.exec(select(func.count()).select_from(Compartment).where(mine)).one()
    return locked if len(locked) == total else None


def _option(locker: Locker, metres: float, outcome: str) -> LockerOption:
    return LockerOption(locker_id=locker.id, distance_m=round(metres), outcome=outcome)


def _refusal(considered: list[LockerOption], settings: Settings) -> str:
    walk = f"{settings.walk_max_m:.0f} m"
    if not considered:
        return "no locker has coordinates to measure the distance to: give a locker_id"
    by_distance = sorted(considered, key=lambda o: o.distance_m)
    nearest = ", ".join(
        f"{o.locker_id} ({o.distance_m} m, {o.outcome})" for o in by_distance[:NEAREST_SHOWN]
    )
    return f"no locker within {walk} has a free compartment that fits; nearest: {nearest}"
