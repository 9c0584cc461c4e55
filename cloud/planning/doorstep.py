"""What the lockers saved: the same parcels delivered to each recipient's door instead.

Each parcel becomes a stop of its own at its recipient's home. The cloud keeps no addresses
(personal data stays out of planning), so a home is a point drawn from the parcel's id within
`Settings.doorstep_radius_m` of its locker: lockers serve their neighbourhood. A share of first
attempts fails (`Settings.doorstep_failure_rate`, 12 % by default) and is driven again, so the
doorstep km grow by that share. Up to SOLVED_UP_TO doors are routed by the same solver and fleet;
beyond that the continuous approximation of route length (Daganzo) stands in."""

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from cloud.routing import model
from cloud.routing.solver import solve
from cloud.routing.travel import Travel

SOLVED_UP_TO = 600
DOOR_SERVICE_S = 150  # park, walk to the door, ring, wait


@dataclass(frozen=True)
class Doorstep:
    km: float
    failed_attempts: float

    def record_on(self, plan, grams_per_km: float) -> None:
        """Keep the comparison on the plan, its CO2 at the plan's own grams per km."""
        plan.doorstep_km = self.km
        plan.doorstep_co2_g = round(self.km * grams_per_km, 1)
        plan.doorstep_failed_attempts = self.failed_attempts


def doorstep(
    depot: tuple[float, float],
    deliveries: list[tuple[tuple[float, float], bytes]],
    capacity: int,
    travel: Travel,
    *,
    failure_rate: float,
    radius_m: float,
    seconds: float,
) -> Doorstep:
    """The doorstep km and failed attempts for these deliveries ((locker point, parcel id)),
    by vans of `capacity` parcels from `depot`."""
    homes = [home_of(point, seed, radius_m) for point, seed in deliveries]
    if not homes:
        return Doorstep(0.0, 0.0)
    if len(homes) <= SOLVED_UP_TO:
        km = _solved_km(depot, homes, capacity, travel, seconds)
    else:
        km = _approximate_km(depot, homes, capacity)
    km *= 1 + failure_rate
    return Doorstep(round(km, 3), round(len(homes) * failure_rate, 2))


def home_of(centre, seed: bytes, radius_m: float) -> tuple[float, float]:
    """A point uniformly in the disc of `radius_m` around `centre`, the same for the same seed."""
    digest = hashlib.sha256(seed).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    v = int.from_bytes(digest[8:16], "big") / 2**64
    distance, bearing = radius_m * math.sqrt(u), 2 * math.pi * v
    lat, lon = centre
    dlat = distance * math.cos(bearing) / 111_320
    dlon = distance * math.sin(bearing) / (111_320 * max(0.01, math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def _solved_km(depot, homes, capacity: int, travel: Travel, seconds: float) -> float:
    points = [depot] + homes
    distances = travel.distances(points)
    problem = model.Problem(
        places=tuple(model.Place(lon, lat) for lat, lon in points),
        depots=(model.Depot(0),),
        stops=tuple(
            model.Stop(place=i + 1, delivery=(1,), service=DOOR_SERVICE_S)
            for i in range(len(homes))
        ),
        # as many rounds as it takes: the doors are not optional
        vehicles=(model.Vehicle(count=len(homes), capacity=(capacity,)),),
        distances=(distances,),
        durations=(distances,),
        dimensions=1,
    )
    return solve(problem, seconds=seconds).distance / 1000


def _approximate_km(depot, homes, capacity: int) -> float:
    """Daganzo: line-haul 2 r n / Q plus 0.57 sqrt(n A) between the doors, times circuity."""
    lat0, lon0 = depot
    scale = 111.32 * math.cos(math.radians(lat0))
    xy = np.array([((lon - lon0) * scale, (lat - lat0) * 111.32) for lat, lon in homes])
    spread = np.ptp(xy, axis=0)
    area = max(float(spread[0] * spread[1]), 0.01)
    mean_r = float(np.mean(np.hypot(xy[:, 0], xy[:, 1])))
    n = len(homes)
    return 1.3 * (2 * mean_r * n / capacity + 0.57 * math.sqrt(n * area))
