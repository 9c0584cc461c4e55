"""A small city for the planner: one depot, a few vehicles, lockers around it, parcels."""

from collections.abc import Callable
from datetime import datetime

import pytest

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import Depot, Locker, LockerCreate, Vehicle, VehicleType
from cloud.services import lockers, parcels

# Warsaw: the depot on the edge of town, lockers within a few km.
DEPOT = (52.1900, 20.9500)
MORNING = datetime(2030, 1, 1, 6, 0)  # 06:00 UTC: the depot's zone is UTC in these tests


def locker_points(count: int) -> list[tuple[float, float]]:
    return [
        (52.2000 + 0.012 * (i % 5), 20.9700 + 0.018 * (i // 5 + (i % 3) * 0.4))
        for i in range(count)
    ]


@pytest.fixture
def city(session, settings, parcel_data) -> Callable[..., dict]:
    """Build a depot with vans, `lockers` lockers and `per_locker` parcels at each."""

    def build(lockers_count=6, per_locker=3, sizes="SSMMLL", vans=(("e-van", 2), ("bike", 1))):
        session.add(
            Depot(
                id="WAW",
                name="Warsaw depot",
                latitude=DEPOT[0],
                longitude=DEPOT[1],
                opens="05:00",
                closes="22:00",
            )
        )
        session.add(
            VehicleType(
                id="e-van",
                name="electric van",
                capacity_parcels=60,
                capacity_litres=3000,
                speed_kmh=25,
                shift_start="06:00",
                shift_end="18:00",
                cost_per_km=0.25,
                cost_per_hour=30,
                co2_g_per_km=40,
            )
        )
        session.add(
            VehicleType(
                id="bike",
                name="cargo bike",
                capacity_parcels=12,
                capacity_litres=400,
                speed_kmh=15,
                shift_start="06:00",
                shift_end="14:00",
                cost_per_km=0.05,
                cost_per_hour=25,
                co2_g_per_km=0,
                range_km=40,
            )
        )
        session.flush()
        for kind, count in vans:
            for n in range(1, count + 1):
                session.add(Vehicle(id=f"WAW-{kind}-{n}", depot_id="WAW", vehicle_type_id=kind))
        made = []
        for index, (lat, lon) in enumerate(locker_points(lockers_count)):
            data = LockerCreate(
                id=f"L{index + 1:02d}",
                name=f"Locker {index + 1}",
                latitude=lat,
                longitude=lon,
                compartments=[{"number": n, "size": s} for n, s in enumerate(sizes, 1)],
            )
            locker, _ = lockers.provision_locker(session, data, MORNING, settings=settings)
            locker.depot_id = "WAW"
            made.append(locker.id)
        session.flush()
        codes = []
        for locker_id in made:
            for n in range(per_locker):
                code = f"P{locker_id}{n:03d}"
                parcels.preadvise(
                    session,
                    parcel_data(tracking_code=code, locker_id=locker_id),
                    MORNING,
                    settings=settings,
                )
                codes.append(code)
        session.commit()
        return {"lockers": made, "parcels": codes}

    return build


def full_at_deposit(session, settings, code: str, now) -> None:
    """At L01, another parcel took `code`'s compartment at the board; then its courier came
    with it (the board's `unadvised`): the cloud redirects it."""
    board = {"lkr": "L01", "t": to_ms(now)}
    events = [
        {"type": "deposited", "parcel": "X1", "cmp": 1},
        {"type": "unadvised", "parcel": code, "size": "L"},
    ]
    full = session.get(Locker, "L01")
    for seq, body in enumerate(events, 1):
        apply_device_event(session, full, {**board, "seq": seq, **body}, now, settings=settings)
    session.commit()
