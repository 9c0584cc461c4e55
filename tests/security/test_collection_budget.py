"""Couriers' collections (issue 10): expired parcels wait for a courier, whose code opens their
doors at the board, a door released to someone other than the recipient. Nothing an actor does
schedules a collection (the pickup deadline does, or a returner's own drop-off), and the board
opens those doors offline too, so a collection is never refused; but each one the board reports
is on the door-release ledger against its locker and its courier, and a courier (or all of them)
collecting too many raises the burst alarm that stops every other door release."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.models import Alarm, Parcel
from cloud.services import lifecycle
from tests.security.door_world import DoorWorld, code_of


@pytest.fixture
def later():
    return utcnow() + timedelta(hours=80)  # past every pickup deadline


@pytest.fixture
def world(client, engine, settings, later):
    """Lockers C1, C2 with three expired parcels each, waiting for a courier."""
    world = DoorWorld(client, engine, settings)
    for locker_id in ("C1", "C2"):
        world.locker(locker_id, 4)
        for n in range(3):
            world.deposit(locker_id, f"{locker_id}X{n}")
    with transaction(engine) as session:  # what the maintenance loop does every minute
        assert lifecycle.expire_due(session, later, settings) == 6
    return world


def courier_on(world, later, name, locker_ids):
    made = world.client.post("/api/v1/couriers", json={"name": name})  # the cloud draws the code
    assert made.status_code == 201, made.text
    route = {"day": later.date().isoformat(), "locker_ids": locker_ids}
    assert (
        world.client.put(f"/api/v1/couriers/{made.json()['id']}/route", json=route).status_code
        == 200
    )
    return made.json()["id"]


def collect(world, later, parcel_id):
    locker_id = next(k for k, ids in world.parcels.items() if parcel_id in ids)
    world.board_event(
        locker_id,
        "courier_collected",
        later,
        parcel=world.codes[parcel_id],
        cmp=world.compartments[parcel_id],
    )


def bursts(engine):
    with Session(engine) as session:
        return list(session.exec(select(Alarm).where(Alarm.kind == "door_release_burst")).all())


def returned(engine):
    with Session(engine) as session:
        return len(session.exec(select(Parcel).where(Parcel.state == "returned")).all())


def test_each_collection_is_on_the_ledger_against_locker_and_courier(world, later, engine):
    sam = courier_on(world, later, "Sam", ["C1", "C2"])
    for parcel_id in world.all_parcels():
        collect(world, later, parcel_id)
    ledger = world.ledger()
    assert [
        (r.kind, r.actor, r.locker_id, r.compartment, str(r.parcel_id), r.reason, r.counted)
        for r in ledger
    ] == [
        ("collection", f"courier:{sam}", world_locker, world.compartments[p], p, "expired", False)
        for world_locker in ("C1", "C2")
        for p in world.parcels[world_locker]
    ]
    assert returned(engine) == 6 and bursts(engine) == []  # six are within the defaults


def test_one_courier_collecting_too_many_raises_the_alarm_that_stops_remote_opens(
    world, later, engine, settings, credentials
):
    settings.collection_per_courier = 4
    courier_on(world, later, "Sam", ["C1", "C2"])
    operator = credentials.operator("operator")
    for parcel_id in world.all_parcels()[:4]:
        collect(world, later, parcel_id)
    assert bursts(engine) == []
    assert world.remote_open("C1", 4, operator).status_code == 202  # collections take no budget
    collect(world, later, world.all_parcels()[4])
    [alarm] = bursts(engine)
    assert "collected 5 parcels" in alarm.detail
    assert returned(engine) == 5  # the board opened the door: the collection stands
    assert code_of(world.remote_open("C2", 4, operator)) == "remote_open_suspended"


def test_couriers_together_collecting_a_burst_raise_the_alarm(world, later, engine, settings):
    """Two couriers on one locker: the board does not say whose code it was, so the collection
    is booked to no one courier, and the fleet-wide count catches it."""
    settings.collection_burst = 3
    courier_on(world, later, "Sam", ["C1", "C2"])
    courier_on(world, later, "Kim", ["C1", "C2"])
    for parcel_id in world.all_parcels()[:3]:
        collect(world, later, parcel_id)
    assert bursts(engine) == []
    collect(world, later, world.all_parcels()[3])
    [alarm] = bursts(engine)
    assert "across the fleet" in alarm.detail
    assert {r.actor for r in world.ledger()} == {"courier:unattributed"}
