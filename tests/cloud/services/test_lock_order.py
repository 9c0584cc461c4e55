"""A pre-advice never waits on a locker row that the bridge or the relay holds (PostgreSQL).

The bridge applies a locker's events, and the relay numbers its commands, with the locker's
row locked FOR NO KEY UPDATE; a pre-advice holds the locker's compartments and inserts a parcel,
which takes a key-share lock on that row for its foreign key. With FOR UPDATE instead, the two
waited for each other (deadlocks in `locker chaos` with 200 lockers); now the insert goes by.
"""

import pytest
from sqlmodel import Session

from cloud.board_events import apply_device_event
from cloud.models import Locker
from cloud.services import outbox, parcels


@pytest.fixture
def locker_row_held(engine, session, make_locker, now):
    """A second transaction that holds L1's row the way the bridge or the relay does."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises whole transactions")
    make_locker(sizes="SML")
    session.commit()

    def hold(how):
        holder = Session(engine)
        holder.begin()
        how(holder)
        return holder

    return hold


def _preadvise_meanwhile(engine, parcel_data, now, settings, code):
    with Session(engine) as other:
        other.connection().exec_driver_sql("SET LOCAL lock_timeout = '3s'")
        parcels.preadvise(other, parcel_data(tracking_code=code), now, settings=settings)
        other.commit()


def test_while_the_relay_numbers_a_command(
    engine, session, locker_row_held, parcel_data, now, settings
):
    outbox.queue(session, "L1", "couriers", {"v": []}, now, settings=settings)
    session.commit()
    holder = locker_row_held(lambda s: outbox.next_sealed(s, now))
    try:
        _preadvise_meanwhile(engine, parcel_data, now, settings, "JJD0001")
    finally:
        holder.rollback()
        holder.close()


def test_while_the_bridge_applies_an_event(engine, locker_row_held, parcel_data, now, settings):
    event = {"lkr": "L1", "seq": 1, "t": 1_893_499_200_000, "type": "door_closed", "cmp": 3}

    def apply(s):
        apply_device_event(s, s.get(Locker, "L1"), event, now, settings=settings)

    holder = locker_row_held(apply)
    try:
        _preadvise_meanwhile(engine, parcel_data, now, settings, "JJD0002")
    finally:
        holder.rollback()
        holder.close()
