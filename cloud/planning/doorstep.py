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

from cloud.planning.build import Built
from cloud.planning.wave import DELIVER, Wave
from cloud.routing import model
from cloud.routing.solver import solve
from cloud.routing.travel import Travel

SOLVED_UP_TO = 600
DOOR_SERVICE_S = 150  # park, walk to the door, ring, wait


@dataclass(frozen=True)
class Doorstep:
    km: float
    co2_g: float
    failed_attempts: float


def doorstep(
    wave: Wave,
    built: Built,
    locker_km: float,
    locker_co2_g: float,
    travel: Travel,
    *,
    failure_rate: float,
    radius_m: float,
    seconds: float,
) -> Doorstep:
    """The doorstep km, CO2 and failed attempts for the parcels this plan delivers."""
    homes = [
        home_of(wave.sites[site].point, job.parcel_id.bytes, radius_m)
        for site, jobs in zip(built.stop_site, built.stop_jobs)
        for job in jobs
        if job.action == DELIVER
    ]
    if not homes:
        return Doorstep(0.0, 0.0, 0.0)
    if len(homes) <= SOLVED_UP_TO:
        km = _solved_km(wave, built, homes, travel, seconds)
    else:
        km = _approximate_km(wave, homes, built)
    km *= 1 + failure_rate
    grams_per_km = locker_co2_g / locker_km if locker_km else _mean_co2(wave)
    return Doorstep(round(km, 3), round(km * grams_per_km, 1), round(len(homes) * failure_rate, 2))


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


def _solved_km(wave: Wave, built: Built, homes, travel: Travel, seconds: float) -> float:
    points = [wave.depot_point] + homes
    distances = travel.distances(points)
    vehicles = tuple(
        model.Vehicle(
            count=len(homes),  # as many rounds as it takes: the doors are not optional
            capacity=(vehicle.capacity[0],),
            cost_per_distance=1,
            profile=0,
            name=vehicle.name,
        )
        for vehicle in built.problem.vehicles[:1]
    )
    problem = model.Problem(
        places=tuple(model.Place(lon, lat) for lat, lon in points),
        depots=(model.Depot(0),),
        stops=tuple(
            model.Stop(place=i + 1, delivery=(1,), service=DOOR_SERVICE_S)
            for i in range(len(homes))
        ),
        vehicles=vehicles,
        distances=(distances,),
        durations=(distances,),
        dimensions=1,
    )
    return solve(problem, seconds=seconds).distance / 1000


def _approximate_km(wave: Wave, homes, built: Built) -> float:
    """Daganzo: line-haul 2 r n / Q plus 0.57 sqrt(n A) between the doors."""
    lat0 = wave.depot_point[0]
    xy = np.array(
        [
            (
                (lon - wave.depot_point[1]) * 111.32 * math.cos(math.radians(lat0)),
                (lat - lat0) * 111.32,
            )
            for lat, lon in homes
        ]
    )
    spread = np.ptp(xy, axis=0)
    area = max(float(spread[0] * spread[1]), 0.01)
    mean_r = float(np.mean(np.hypot(xy[:, 0], xy[:, 1])))
    capacity = max(vehicle.capacity[0] for vehicle in built.problem.vehicles)
    n = len(homes)
    return 1.3 * (2 * mean_r * n / capacity + 0.57 * math.sqrt(n * area))


def _mean_co2(wave: Wave) -> float:
    return sum(van.co2_g_per_km for van in wave.vans) / len(wave.vans) if wave.vans else 0.0
