"""The model of a re-plan: vans on the road start where they are with what they carry.

A van that has left the depot is a vehicle of its own, starting at its last stop (a depot of
the model there) from now, with the returns it collected as initial load; the parcels aboard
it are stops only it may serve. Parcels still at the depot go only with vans that leave the
depot now. Collections may be made by any van. A blocked leg is driven round the best detour."""

from dataclasses import replace
from statistics import median

import numpy as np

from cloud.models.plan_views import ReplanRequest
from cloud.planning.build import Built, stop_for, van_groups, vehicle_for, with_prizes
from cloud.planning.triage import refuse_unplannable
from cloud.planning.underway import Underway
from cloud.planning.wave import COLLECT, DELIVER, Job, Van, Wave
from cloud.routing import model
from cloud.routing.model import Route
from cloud.routing.travel import Travel

AT_DEPOT_AGAIN = "it stays at the depot for the next wave"


def build_replan(
    wave: Wave, states: list[Underway], request: ReplanRequest, travel: Travel
) -> tuple[Built, list[Route]]:
    """The model of what is not yet driven, and the current plan as its warm start."""
    broken = set(request.broken_down)
    driven = {row.parcel_id for s in states for stop in s.driven for row in stop.parcels}
    wave.jobs = [job for job in wave.jobs if job.parcel_id not in driven]  # copied as they were
    vans = {van.id: van for van in wave.vans}
    on_road = [
        s for s in states if s.departed and s.vehicle_id not in broken and s.vehicle_id in vans
    ]
    carrier = {pid: s.vehicle_id for s in states if s.departed for pid in s.aboard}
    back_load = {s.vehicle_id: [*s.collected] for s in on_road}
    _refuse_changes(wave, request, carrier, broken, back_load)
    home = [v for v in wave.vans if v.id not in broken and v.id not in back_load]
    _refuse_without_home_vans(wave, home, carrier)
    points, place_of = _places(wave, on_road)
    speeds = sorted({van.speed_kmh for van in wave.vans}) or [1.0]
    distances = np.array(travel.distances(points))
    durations = [np.array(travel.durations(points, speed)) for speed in speeds]
    _detour(request, place_of, [distances, *durations])
    groups = van_groups(home)
    at_home = len(groups)  # vehicles 0..at_home-1 leave the depot; the vans on the road follow
    vehicles = [vehicle_for(wave, group, speeds) for group in groups]
    for index, state in enumerate(on_road, start=1):
        vehicles.append(_on_road_vehicle(wave, vans[state.vehicle_id], state, index, speeds))
        groups.append([vans[state.vehicle_id]])
    vehicles = [_with_back_load(v, back_load.get(g[0].id)) for v, g in zip(vehicles, groups)]
    service = int(median(van.service_s for van in wave.vans)) if wave.vans else 0
    own = {s.vehicle_id: at_home + i for i, s in enumerate(on_road)}
    home_indices = tuple(range(at_home))
    stop_site, stop_jobs, stops = [], [], []
    for key, jobs in _stop_groups(wave, carrier, own).items():
        locker, who = key
        allowed = (own[who],) if who in own else home_indices if who == "depot" else ()
        stop_site.append(locker)
        stop_jobs.append(jobs)
        stops.append(stop_for(place_of[locker], jobs, service, wave.sites[locker].access, allowed))
    problem = with_prizes(
        model.Problem(
            places=tuple(model.Place(lon, lat) for lat, lon in points),
            depots=(model.Depot(0, *wave.depot_window, name=wave.depot_id),)
            + tuple(model.Depot(1 + i, name=s.position_name) for i, s in enumerate(on_road)),
            stops=tuple(stops),
            vehicles=tuple(vehicles),
            distances=tuple(distances for _ in speeds),
            durations=tuple(durations),
            dimensions=2,
            name=f"{wave.depot_id} {wave.day} re-plan",
        )
    )
    built = Built(problem, stop_site, stop_jobs, groups, points, distances)
    return built, _warm_start(built, states, groups, own)


def _refuse_changes(wave: Wave, request: ReplanRequest, carrier, broken, back_load) -> None:
    offline = set(request.offline)
    keep = []
    for job in wave.jobs:
        van = carrier.get(job.parcel_id)
        if job.locker_id in offline:
            wave.refused[job.parcel_id] = (
                f"not routed: locker {job.locker_id} is offline",
                AT_DEPOT_AGAIN,
            )
        elif van in broken:
            wave.refused[job.parcel_id] = (
                f"not routed: aboard broken-down vehicle {van}",
                "take it back to the depot; it joins the next wave",
            )
        else:
            keep.append(job)
            continue
        _bring_back(job, van, back_load)
    wave.jobs = keep
    before = {job.parcel_id: job for job in wave.jobs}
    refuse_unplannable(wave)
    for parcel_id in set(before) - {job.parcel_id for job in wave.jobs}:
        _bring_back(before[parcel_id], carrier.get(parcel_id), back_load)


def _bring_back(job: Job, van: str | None, back_load: dict) -> None:
    """A parcel aboard a van that will not drop it rides back to the depot."""
    if van in back_load and job.action == DELIVER:
        back_load[van][0] += 1
        back_load[van][1] += job.litres


def _refuse_without_home_vans(wave: Wave, home: list[Van], carrier) -> None:
    if any(van.shift[1] > 0 for van in home):
        return
    for job in list(wave.jobs):
        if job.action == DELIVER and job.parcel_id not in carrier:
            wave.refused[job.parcel_id] = (
                "not routed: no vehicle leaves the depot again today",
                "it stays for the next wave",
            )
    wave.jobs = [job for job in wave.jobs if job.parcel_id not in wave.refused]


def _places(wave: Wave, on_road: list[Underway]):
    sites = sorted({job.locker_id for job in wave.jobs})
    points = [wave.depot_point]
    points += [s.position or wave.depot_point for s in on_road]
    place_of = {wave.depot_id: 0}
    for site in sites:
        place_of[site] = len(points)
        points.append(wave.sites[site].point)
    for site in wave.sites.values():  # blocked legs may name lockers with nothing to do
        if site.id not in place_of and site.point is not None:
            place_of[site.id] = len(points)
            points.append(site.point)
    return points, place_of


def _detour(request: ReplanRequest, place_of: dict[str, int], matrices: list[np.ndarray]) -> None:
    """A blocked leg costs the best way round through a third place, both ways."""
    for a_id, b_id in request.blocked:
        a, b = place_of.get(a_id), place_of.get(b_id)
        if a is None or b is None or a == b:
            continue
        for matrix in matrices:
            via = matrix[a, :] + matrix[:, b]
            via[[a, b]] = np.iinfo(np.int64).max // 4
            matrix[a, b] = matrix[b, a] = int(via.min())


def _on_road_vehicle(wave: Wave, van: Van, state: Underway, depot: int, speeds) -> model.Vehicle:
    base = vehicle_for(wave, [van], speeds)
    left = None if van.range_m is None else max(0, van.range_m - int(state.km_driven * 1000))
    return replace(
        base,
        start_depot=depot,
        early=0,
        max_distance=model.UNLIMITED if left is None else left,
        name=van.id,
    )


def _with_back_load(vehicle: model.Vehicle, load) -> model.Vehicle:
    if not load or not any(load):
        return vehicle
    capacity = vehicle.capacity
    return replace(vehicle, initial_load=tuple(min(x, c) for x, c in zip(load, capacity)))


def _stop_groups(wave: Wave, carrier, own) -> dict[tuple[str, str], list[Job]]:
    """Jobs by (locker, who may serve): a van's own parcels, the depot's, collections."""
    groups: dict[tuple[str, str], list[Job]] = {}
    for job in wave.jobs:
        if job.action == COLLECT:
            who = "anyone"
        elif carrier.get(job.parcel_id) in own:
            who = carrier[job.parcel_id]
        else:
            who = "depot"
        groups.setdefault((job.locker_id, who), []).append(job)
    return dict(sorted(groups.items()))


def _warm_start(built: Built, states, groups, own) -> list[Route]:
    """The current plan's remaining order, on the new model's stops."""
    used: set[int] = set()
    counts = {index: len(group) for index, group in enumerate(groups)}
    routes = []
    for state in states:
        vehicle = own.get(state.vehicle_id)
        if vehicle is None:
            vehicle = next(
                (i for i, g in enumerate(groups) if state.vehicle_id in {v.id for v in g}), None
            )
        if vehicle is None or counts.get(vehicle, 0) == 0:
            continue
        stops = []
        for locker in state.ahead:
            for index, site in enumerate(built.stop_site):
                allowed = built.problem.stops[index].vehicles
                if site == locker and index not in used and (not allowed or vehicle in allowed):
                    stops.append(index)
                    used.add(index)
        if stops:
            counts[vehicle] -= 1
            routes.append(Route(vehicle, tuple(stops)))
    return routes
