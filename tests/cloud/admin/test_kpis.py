"""The KPIs and the occupancy history, from known data in a real database."""

from datetime import timedelta

from sqlmodel import select

from cloud.admin.kpis import count_stops, last_mile_kpis, occupancy_series
from cloud.admin.occupancy import current_occupancy, sample_occupancy
from cloud.models import Compartment, CompartmentState, OccupancySample, Parcel
from tests.conftest import NOW

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _parcel(session, code, state, created, deposited=None, collected=None, locker="L1"):
    session.add(
        Parcel(
            carrier="DHL",
            tracking_code=code,
            locker_id=locker,
            width_mm=1,
            height_mm=1,
            depth_mm=1,
            recipient_name="R",
            recipient_phone="+4912345678",
            state=state,
            created_at=created,
            deposited_at=deposited,
            collected_at=collected,
        )
    )


def test_rates_dwell_and_stops_from_known_parcels(session, make_locker):
    make_locker("L1", "SML")
    make_locker("L2", "S")
    day = NOW - 24 * H
    # L1: one courier stop of three deposits (5 minutes apart), another stop 3 hours later.
    _parcel(session, "A1", "collected", day - H, day, day + 2 * H)
    _parcel(session, "A2", "collected", day - H, day + 5 * M, day + 6 * H + 5 * M)
    _parcel(session, "A3", "expired", day - H, day + 10 * M)
    _parcel(session, "A4", "deposited", day - H, day + 3 * H)  # still in the locker: not ended
    _parcel(session, "B1", "collected", day - H, day + H, day + 2 * H, locker="L2")
    _parcel(session, "F1", "lapsed", day - H)  # no courier came
    _parcel(session, "C1", "cancelled", day - H)  # the carrier's choice: neither way
    _parcel(session, "OLD", "collected", NOW - 90 * 24 * H, NOW - 89 * 24 * H, NOW - 88 * 24 * H)
    session.commit()

    kpis = last_mile_kpis(session, NOW - 30 * 24 * H, NOW)

    assert (kpis.delivered, kpis.collected, kpis.expired) == (5, 3, 1)
    assert kpis.pickup_rate == 3 / 4 and kpis.expired_rate == 1 / 4
    assert (kpis.settled, kpis.failed, kpis.failed_rate) == (6, 1, 1 / 6)
    assert kpis.mean_dwell == (2 * H + 6 * H + H) / 3
    assert (kpis.deposits, kpis.stops, kpis.parcels_per_stop) == (5, 3, 5 / 3)


def test_an_empty_window_has_no_rates(session):
    kpis = last_mile_kpis(session, NOW - H, NOW)
    assert (kpis.pickup_rate, kpis.failed_rate, kpis.mean_dwell, kpis.parcels_per_stop) == (
        None,
    ) * 4


def test_count_stops_splits_at_pauses_longer_than_the_gap():
    t = NOW
    assert count_stops([[t, t + 15 * M, t + 31 * M], [t]]) == 3
    assert count_stops([[]]) == 0


def test_occupancy_is_counted_by_size_and_sampled_into_a_history(session, make_locker):
    make_locker("L1", "SSML")
    make_locker("L2", "S")
    states = {
        1: CompartmentState.OCCUPIED,
        2: CompartmentState.OUT_OF_SERVICE,
        3: CompartmentState.RESERVED,
    }
    for compartment in session.exec(select(Compartment).where(Compartment.locker_id == "L1")):
        compartment.state = states.get(compartment.number, CompartmentState.FREE)
    session.flush()
    small = current_occupancy(session)["L1"].by_size["S"]
    assert (small.total, small.occupied, small.unavailable, small.free) == (2, 1, 1, 0)
    assert current_occupancy(session)["L1"].whole.reserved == 1

    assert sample_occupancy(session, NOW - H) == 4  # L1: S, M, L; L2: S
    for compartment in session.exec(select(Compartment).where(Compartment.locker_id == "L2")):
        compartment.state = CompartmentState.OCCUPIED
    sample_occupancy(session, NOW)
    session.commit()

    assert len(session.exec(select(OccupancySample)).all()) == 8
    assert occupancy_series(session, NOW - 2 * H, NOW + H) == [(NOW - H, 1, 5), (NOW, 2, 5)]
    assert occupancy_series(session, NOW - 2 * H, NOW + H, locker_id="L2") == [
        (NOW - H, 0, 1),
        (NOW, 1, 1),
    ]
