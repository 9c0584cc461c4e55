"""A board's inventory through a bridge worker: verified, then compared (alarms, no overwrite)."""

import pytest
from sqlmodel import Session, select

from bridge.worker import BridgeWorker
from cloud.models import Alarm, Compartment
from firmware.core.compartments import Compartments
from firmware.core.inventory import inventory


@pytest.fixture
def worker(engine, session, make_locker, now, settings):
    _, key = make_locker("L1")
    session.commit()
    return BridgeWorker(
        "mqtt://127.0.0.1:1", engine, lambda: now, settings=settings
    ), bytes.fromhex(key)


def board_inventory(key, state, parcel=None):
    compartments = Compartments([(1, "S"), (2, "M"), (3, "L")])
    compartments.get(1).state, compartments.get(1).parcel = state, parcel
    return inventory("L1", key, compartments, 0, 1_893_499_200_000)


def alarms(engine):
    with Session(engine) as session:
        return [(a.kind, a.compartment) for a in session.exec(select(Alarm)).all()]


def test_a_board_holding_something_the_cloud_thinks_free_raises_a_conflict(worker, engine):
    bridge, key = worker
    action = board_inventory(key, "occupied", "XYZ")
    bridge.apply(action[1], action[2])
    assert alarms(engine) == [("conflict", 1)]
    with Session(engine) as session:
        first = session.exec(select(Compartment).where(Compartment.number == 1)).one()
        assert first.state == "free"  # reported, not overwritten


def test_an_inventory_signed_with_another_key_is_dropped(worker, engine):
    bridge, _ = worker
    action = board_inventory(bytes(32), "occupied", "XYZ")
    bridge.apply(action[1], action[2])
    assert alarms(engine) == []


def test_a_board_side_jam_is_adopted(worker, engine):
    bridge, key = worker
    action = board_inventory(key, "jammed")
    bridge.apply(action[1], action[2])
    with Session(engine) as session:
        assert (
            session.exec(select(Compartment).where(Compartment.number == 1)).one().state == "jammed"
        )
    assert alarms(engine) == [("jammed", 1)]
