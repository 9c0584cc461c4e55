"""Which parcels of a wave cannot be routed, and why, before the solver sees the rest.

Every parcel left out gets a reason in an operator's words and, where one exists, an
alternative (a nearby locker with a free compartment that fits). Nothing is dropped silently."""

from collections.abc import Callable

from cloud.models.states import CompartmentState
from cloud.planning.wave import COLLECT, DELIVER, Box, Job, Site, Wave
from cloud.routing.travel import metres_between
from cloud.services.assignment import fits

Reason = tuple[str, str | None]


def refuse_unplannable(wave: Wave) -> None:
    """Move to `wave.refused` every parcel that no plan of this wave could carry."""
    keep = []
    for job in wave.jobs:
        reason = _static_reason(wave, job)
        if reason is None:
            keep.append(job)
        else:
            wave.refused[job.parcel_id] = reason
    wave.jobs = keep
    _refuse_beyond_capacity(wave)


def refuse_unreachable(wave: Wave, reason_of: Callable[[Site], str | None]) -> None:
    """Refuse every parcel at a site `reason_of` says no van can serve (access hours, range)."""
    keep = []
    for job in wave.jobs:
        reason = reason_of(wave.sites[job.locker_id])
        if reason is None:
            keep.append(job)
        else:
            wave.refused[job.parcel_id] = (reason, _alternative(wave, job))
    wave.jobs = keep


def _static_reason(wave: Wave, job: Job) -> Reason | None:
    site = wave.sites[job.locker_id]
    if site.point is None:
        return (
            f"not routed: locker {site.id} has no coordinates",
            f"give it coordinates (PATCH /api/v1/lockers/{site.id}/routing)",
        )
    if not wave.vans:
        return (
            f"not routed: depot {wave.depot_id} has no vehicle in service",
            "add vehicles to the depot's fleet; it stays for the next wave",
        )
    if all(van.shift[1] <= 0 for van in wave.vans):
        return ("not routed: no vehicle's shift is left today", "it stays for the next wave")
    biggest = max(van.capacity_litres for van in wave.vans)
    if job.litres > biggest:
        return (
            f"not routed: {job.litres} l is bigger than every vehicle of depot "
            f"{wave.depot_id} (the largest holds {biggest} l)",
            None,
        )
    return None


def _refuse_beyond_capacity(wave: Wave) -> None:
    """A locker gets no more deliveries than it has compartments for by the van's visit: its
    free ones, those held for these parcels, and those the same visit empties (collections)."""
    for site_id in sorted({job.locker_id for job in wave.jobs}):
        site = wave.sites[site_id]
        jobs = [job for job in wave.jobs if job.locker_id == site_id]
        collected = {job.parcel_id for job in jobs if job.action == COLLECT}
        room = [box for box in site.boxes if _free_by_the_visit(box, collected)]
        for job in jobs:
            if job.action != DELIVER or job.reserved:
                continue
            box = _smallest_fitting(room, job)
            if box is None:
                wave.refused[job.parcel_id] = (
                    f"not routed: locker {site_id} full (no free compartment fits it)",
                    _alternative(wave, job),
                )
            else:
                room.remove(box)
    wave.jobs = [job for job in wave.jobs if job.parcel_id not in wave.refused]


def _free_by_the_visit(box: Box, collected: set) -> bool:
    return box.state == CompartmentState.FREE or (
        box.state == CompartmentState.OCCUPIED and box.parcel_id in collected
    )


def _smallest_fitting(room: list[Box], job: Job) -> Box | None:
    fitting = [
        box
        for box in room
        if fits(job.dimensions, box.dimensions) and (box.accessible or not job.accessible)
    ]
    volume = lambda box: box.dimensions[0] * box.dimensions[1] * box.dimensions[2]  # noqa: E731
    return min(fitting, key=lambda box: (box.accessible, volume(box), box.number), default=None)


def _alternative(wave: Wave, job: Job) -> str | None:
    """The nearest other locker of the depot with a free compartment this parcel fits."""
    if job.action != DELIVER:
        return "it stays for the next wave"
    here = wave.sites[job.locker_id].point
    options = []
    for site in wave.sites.values():
        if site.id == job.locker_id or site.point is None:
            continue
        room = [box for box in site.boxes if box.state == CompartmentState.FREE]
        if _smallest_fitting(room, job) is None:
            continue
        metres = metres_between(here, site.point) if here else None
        options.append((metres if metres is not None else 0.0, site.id))
    if not options:
        return "it stays for the next wave"
    metres, site_id = min(options)
    distance = f" ({metres / 1000:.1f} km away)" if here else ""
    return f"redirect to locker {site_id}{distance}, which has a free compartment that fits"
