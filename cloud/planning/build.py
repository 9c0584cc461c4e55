"""A wave turned into the routing model: one stop per locker, loads in parcels and litres.

Costs are integers in thousandths of a cent, so PyVRP minimises money: the vans' cost per km
and per hour. Every stop is optional with a prize of several dedicated round trips to it, so
the solver visits all it can and a stop it cannot fit is reported, not a failed plan. (A prize
out of all proportion to the costs would blind PyVRP's penalties for overloading a van: it
would rather overload than drop, and return no feasible plan at all.)"""

from dataclasses import dataclass, field, replace
from statistics import median

import numpy as np

from cloud.planning.triage import refuse_unreachable
from cloud.planning.wave import COLLECT, DELIVER, Job, Site, Van, Wave
from cloud.routing import model
from cloud.routing.travel import Travel

MILLICENTS = 100_000  # per currency unit
ROUND_TRIPS_PER_STOP = 10  # a stop is worth ten dedicated trips to it: none is left for less
PRIZE_PER_PARCEL = MILLICENTS  # and one currency unit a parcel on top
SECONDS_PER_PARCEL = 10  # scanning and closing a door, on top of the van's time at a stop


@dataclass
class Built:
    """The model of a wave, and what each of its stops and vehicles stands for."""

    problem: model.Problem
    stop_site: list[str]  # stop index -> locker id
    stop_jobs: list[list[Job]]  # stop index -> the parcels it drops and collects
    vehicle_vans: list[list[Van]]  # model vehicle index -> the vans it stands for
    points: list[tuple[float, float]]  # place index -> (latitude, longitude)
    distances: np.ndarray = field(repr=False, default=None)


def build(wave: Wave, travel: Travel) -> Built:
    """The model of the wave's routable parcels (refusing those no van can reach)."""
    sites = sorted({job.locker_id for job in wave.jobs})
    points = [wave.depot_point] + [wave.sites[s].point for s in sites]
    distances = travel.distances(points)
    speeds = sorted({van.speed_kmh for van in wave.vans})
    durations = [travel.durations(points, speed) for speed in speeds]
    place_of = {site: index + 1 for index, site in enumerate(sites)}
    service = int(median(van.service_s for van in wave.vans)) if wave.vans else 0

    def reason_of(site: Site) -> str | None:
        return _unreachable(wave, place_of[site.id], site, distances, durations, speeds, service)

    refuse_unreachable(wave, reason_of)
    stop_site, stop_jobs = _stops(wave)
    groups = van_groups(wave.vans)
    problem = with_prizes(
        model.Problem(
            places=tuple(model.Place(lon, lat) for lat, lon in points),
            depots=(model.Depot(0, *wave.depot_window, name=wave.depot_id),),
            stops=tuple(
                stop_for(place_of[site], jobs, service, wave.sites[site].access)
                for site, jobs in zip(stop_site, stop_jobs)
            ),
            vehicles=tuple(vehicle_for(wave, vans, speeds) for vans in groups),
            distances=tuple(distances for _ in speeds) or (distances,),
            durations=tuple(durations) or (distances,),
            dimensions=2,
            name=f"{wave.depot_id} {wave.day} {wave.wave}",
        )
    )
    return Built(problem, stop_site, stop_jobs, groups, points, distances)


def load_of(jobs: list[Job], action: str) -> tuple[int, int]:
    chosen = [job for job in jobs if job.action == action]
    return len(chosen), sum(job.litres for job in chosen)


def _stops(wave: Wave) -> tuple[list[str], list[list[Job]]]:
    """One stop per locker; split when its parcels would not fit the biggest van at once."""
    parcels = max((van.capacity_parcels for van in wave.vans), default=1)
    litres = max((van.capacity_litres for van in wave.vans), default=1)
    stop_site, stop_jobs = [], []
    for site in sorted({job.locker_id for job in wave.jobs}):
        chunk: list[Job] = []
        for job in [job for job in wave.jobs if job.locker_id == site]:
            trial = chunk + [job]
            if any(
                count > parcels or volume > litres
                for count, volume in (load_of(trial, DELIVER), load_of(trial, COLLECT))
            ):
                stop_site.append(site)
                stop_jobs.append(chunk)
                trial = [job]
            chunk = trial
        stop_site.append(site)
        stop_jobs.append(chunk)
    return stop_site, stop_jobs


def stop_for(
    place: int,
    jobs: list[Job],
    service: int,
    access: tuple[int, int],
    vehicles: tuple[int, ...] = (),
) -> model.Stop:
    site_jobs = len(jobs)
    return model.Stop(
        place=place,
        delivery=load_of(jobs, DELIVER),
        pickup=load_of(jobs, COLLECT),
        service=service + SECONDS_PER_PARCEL * site_jobs,
        early=access[0],
        late=access[1],
        required=False,
        prize=PRIZE_PER_PARCEL * site_jobs,  # with_prizes adds the round trips
        vehicles=vehicles,
        name=jobs[0].locker_id,
    )


def with_prizes(problem: model.Problem) -> model.Problem:
    """Each optional stop's prize: ROUND_TRIPS_PER_STOP times the dearest vehicle's round trip
    from the home depot (place of depot 0) to it, plus its parcels' own."""
    home = problem.depots[0].place
    stops = []
    for stop in problem.stops:
        trip = max(
            (
                v.cost_per_distance
                * int(
                    problem.distances[v.profile][home][stop.place]
                    + problem.distances[v.profile][stop.place][home]
                )
                + v.cost_per_duration
                * int(
                    problem.durations[v.profile][home][stop.place]
                    + problem.durations[v.profile][stop.place][home]
                )
                for v in problem.vehicles
            ),
            default=0,
        )
        stops.append(replace(stop, prize=stop.prize + ROUND_TRIPS_PER_STOP * trip))
    return replace(problem, stops=tuple(stops))


def van_groups(vans: list[Van]) -> list[list[Van]]:
    """Vans alike (same type) are one model vehicle with a count."""
    groups: dict[str, list[Van]] = {}
    for van in vans:
        if van.shift[1] > 0:
            groups.setdefault(van.type_id, []).append(van)
    return list(groups.values())


def vehicle_for(wave: Wave, vans: list[Van], speeds: list[float]) -> model.Vehicle:
    van = vans[0]
    early = max(van.shift[0], wave.depot_window[0], 0)
    late = min(van.shift[1], wave.depot_window[1])
    return model.Vehicle(
        count=len(vans),
        capacity=(van.capacity_parcels, van.capacity_litres),
        early=early,
        late=max(early, late),
        max_distance=van.range_m if van.range_m is not None else model.UNLIMITED,
        cost_per_distance=max(1, round(van.cost_per_km * MILLICENTS / 1000)),
        cost_per_duration=round(van.cost_per_hour * MILLICENTS / 3600),
        profile=speeds.index(van.speed_kmh),
        name=van.type_id,
    )


def _unreachable(wave, place, site, distances, durations, speeds, service) -> str | None:
    """Why no van can go depot -> this locker -> depot within its shift, the depot's hours,
    the locker's access hours and its range; None when one can."""
    out_and_back = int(distances[0, place] + distances[place, 0])
    in_range = [v for v in wave.vans if v.range_m is None or v.range_m >= out_and_back]
    if not in_range:
        return f"not routed: locker {site.id} is beyond every vehicle's range"
    opens, closes = site.access
    for van in in_range:
        travel = durations[speeds.index(van.speed_kmh)]
        early = max(van.shift[0], wave.depot_window[0], 0)
        late = min(van.shift[1], wave.depot_window[1])
        start = max(early + int(travel[0, place]), opens)
        if start <= closes and start + service + int(travel[place, 0]) <= late:
            return None
    return f"not routed: no vehicle reaches locker {site.id} within its access hours"
