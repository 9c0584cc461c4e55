"""The cloud's planner at a city's scale, and a mid-day re-plan, on a real database.

    .venv/bin/python -m benchmarks.routing_city [--lockers 2000] [--parcels 20000]
        [--vehicles 150] [--seconds 45] [--replan-stops 200] [--replan-seconds 1.5]

Builds a city in a fresh SQLite file (lockers within ~12 km of the depot, parcels reserved in
them, a mixed fleet), then times `planning.plan_depot` end to end (read, triage, model, solve,
store, doorstep comparison) and, on a day of --replan-stops stops, `planning.replan` after a
van broke down and a parcel came in. Prints figures; fails on nothing. Targets (issue 12): the
city planned within 60 s, the re-plan within 2 s."""

import argparse
import math
import random
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from cloud import planning
from cloud.core.config import Settings
from cloud.db import make_engine, migrate
from cloud.models import Compartment, Depot, Locker, Parcel, Vehicle, VehicleType
from cloud.models.plan_views import ReplanRequest

MORNING = datetime(2030, 6, 3, 6, 0)
CENTRE = (52.2297, 21.0122)  # Warsaw


def build_city(engine, lockers: int, parcels: int, vehicles: int, seed: int = 1) -> None:
    """Rows straight into the tables: setting up is not what is measured."""
    rng = random.Random(seed)
    with Session(engine) as session:
        session.add(Depot(id="D1", name="depot", latitude=52.17, longitude=20.95))
        session.add(_van_type("van", 180, 9000, 30, 0.30, 32, 210))
        session.add(_van_type("e-van", 150, 7500, 28, 0.12, 32, 0))
        session.add(_van_type("bike", 30, 600, 15, 0.02, 24, 0, range_km=60))
        session.flush()
        for n in range(vehicles):  # two vans in three, then e-vans, a bike in seven
            kind = "bike" if n % 7 == 6 else ("van", "van", "e-van")[n % 3]
            session.add(Vehicle(id=f"D1-{kind}-{n}", depot_id="D1", vehicle_type_id=kind))
        session.flush()
        per_locker = math.ceil(parcels / lockers)
        made = 0
        for n in range(lockers):
            locker_id = f"L{n:05d}"
            r, a = 12_000 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
            lat = CENTRE[0] + r * math.cos(a) / 111_320
            lon = CENTRE[1] + r * math.sin(a) / (111_320 * math.cos(math.radians(CENTRE[0])))
            session.add(
                Locker(
                    id=locker_id,
                    name=locker_id,
                    device_key="00" * 32,
                    latitude=lat,
                    longitude=lon,
                    depot_id="D1",
                )
            )
            session.flush()
            for number in range(1, per_locker + 3):
                box = Compartment(
                    locker_id=locker_id,
                    number=number,
                    size="M",
                    width_mm=450,
                    height_mm=200,
                    depth_mm=600,
                    state="free",
                )
                session.add(box)
                session.flush()
                if number <= per_locker and made < parcels:
                    parcel = Parcel(
                        carrier="bench",
                        tracking_code=f"T{made:07d}",
                        locker_id=locker_id,
                        width_mm=300,
                        height_mm=100,
                        depth_mm=400,
                        recipient_name="r",
                        recipient_phone="+4812345678",
                        state="reserved",
                        compartment_id=box.id,
                        id=uuid.uuid4(),
                    )
                    session.add(parcel)
                    session.flush()
                    box.parcel_id, box.state = parcel.id, "reserved"
                    made += 1
        session.commit()


def _van_type(kind, parcels, litres, speed, per_km, per_hour, co2, range_km=None):
    return VehicleType(
        id=kind,
        name=kind,
        capacity_parcels=parcels,
        capacity_litres=litres,
        speed_kmh=speed,
        shift_start="06:00",
        shift_end="20:00",
        cost_per_km=per_km,
        cost_per_hour=per_hour,
        co2_g_per_km=co2,
        range_km=range_km,
    )


def timed_plan(engine, settings, seconds: float):
    started = time.perf_counter()
    plan_id = planning.plan_depot(
        engine, "D1", MORNING, actor="bench", seconds=seconds, settings=settings
    )
    wall = time.perf_counter() - started
    with Session(engine) as session:
        return planning.plan_view(session, plan_id), wall


def run_city(args, folder: Path) -> None:
    url = f"sqlite:///{folder / 'city.db'}"
    migrate(url)
    engine = make_engine(url)
    started = time.perf_counter()
    build_city(engine, args.lockers, args.parcels, args.vehicles)
    print(
        f"city: {args.lockers} lockers, {args.parcels} parcels, {args.vehicles} vehicles "
        f"(set up in {time.perf_counter() - started:.1f} s)"
    )
    plan, wall = timed_plan(engine, Settings(database_url=url), args.seconds)
    used = sum(1 for r in plan.routes)
    print(
        f"  plan: {wall:.1f} s wall (solver {plan.solver_seconds:.1f} s), feasible "
        f"{plan.feasible}, {used} routes, {plan.stops} stops, {plan.parcels} parcels, "
        f"{len(plan.unrouted)} unrouted, {plan.km:.0f} km, {plan.co2_g / 1000:.0f} kg CO2, "
        f"doorstep {plan.doorstep.km if plan.doorstep else 0:.0f} km"
    )


def run_replan(args, folder: Path) -> None:
    url = f"sqlite:///{folder / 'day.db'}"
    migrate(url)
    engine = make_engine(url)
    build_city(engine, args.replan_stops, args.replan_stops * 5, 12, seed=2)
    settings = Settings(database_url=url)
    plan, wall = timed_plan(engine, settings, 5.0)
    print(
        f"day: {plan.stops} stops, {plan.parcels} parcels, {len(plan.routes)} routes "
        f"(planned in {wall:.1f} s)"
    )
    route = max(plan.routes, key=lambda r: len(r.stops_list))
    now = route.stops_list[len(route.stops_list) // 3].departs_at + timedelta(minutes=1)
    request = ReplanRequest(seconds=args.replan_seconds, broken_down=[route.vehicle_id])
    started = time.perf_counter()
    new_id = planning.replan(
        engine, plan.id, now, actor="bench", request=request, settings=settings
    )
    wall = time.perf_counter() - started
    with Session(engine) as session:
        new = planning.plan_view(session, new_id)
    print(
        f"  re-plan at {now:%H:%M} after {route.vehicle_id} broke down: {wall:.2f} s wall "
        f"(solver {new.solver_seconds:.2f} s), feasible {new.feasible}, "
        f"{len(new.changes['moved'])} parcels moved, {len(new.unrouted)} unrouted, "
        f"warm start {new.changes['warm_start']}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lockers", type=int, default=2000)
    parser.add_argument("--parcels", type=int, default=20000)
    parser.add_argument("--vehicles", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--replan-stops", type=int, default=200)
    parser.add_argument("--replan-seconds", type=float, default=1.5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        run_replan(args, Path(folder))
        run_city(args, Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
