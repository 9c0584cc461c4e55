"""The KPIs and the occupancy history, from known data in a real database."""

from datetime import timedelta

from sqlmodel import select

from cloud.admin.kpis import count_stops, last_mile_kpis, occupancy_series
from cloud.admin.occupancy import current_occupancy, sample_occupancy
from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import Compartment, CompartmentState, OccupancySample, Parcel
from cloud.services import lifecycle, parcels
from tests.conftest import NOW

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _parcel(session, code, state, created, deposited=None, collected=None, locker="L1", **more):
    """A parcel row as the services leave it; `more`: kind, expired_at, returned_at."""
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
            **more,
        )
    )


def test_rates_dwell_and_stops_from_known_parcels(session, make_locker):
    make_locker("L1", "SML")
    make_locker("L2", "S")
    day = NOW - 24 * H
    # L1: one courier stop of three deposits (5 minutes apart), another stop 3 hours later.
    _parcel(session, "A1", "collected", day - H, day, day + 2 * H)
    _parcel(session, "A2", "collected", day - H, day + 5 * M, day + 6 * H + 5 * M)
    _parcel(session, "A3", "expired", day - H, day + 10 * M, expired_at=day + 72 * H)
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


def test_a_day_worked_out_by_hand_counts_expired_parcels_taken_back_and_no_returns(
    session, make_locker
):
    """One day at two lockers, its answer worked out by hand (the window opens 2 h before D):
    delivered by couriers: A1-A5, B1 and the unadvised U1 = 7 (the return R1 is no delivery);
    stays ended: collected A1, A2, B1, U1 = 4, expired A3 (waiting) and A4 (taken back) = 2,
    so the pickup rate is 4/6, not the 4/5 it was when A4 dropped out once returned;
    settled: the 7 deposited and the lapsed F1 = 8, failed 1 (R2, a return never dropped off,
    is no failed delivery); dwell (2 h + 6 h + 1 h + 1 h 50) / 4; stops: L1 at D, D+5, D+10 min
    (one), at D+3 h, +5, +10 min (two; R1's drop-off at D+4 h is no courier's), L2 at D+1 h."""
    make_locker("L1", "SSSSML")
    make_locker("L2", "S")
    d = NOW - 24 * H
    expired = {"expired_at": d + 72 * H}
    _parcel(session, "A1", "collected", d - H, d, d + 2 * H)
    _parcel(session, "A2", "collected", d - H, d + 5 * M, d + 6 * H + 5 * M)
    _parcel(session, "A3", "expired", d - H, d + 10 * M, **expired)
    _parcel(session, "A4", "returned", d - H, d + 3 * H, **expired, returned_at=d + 80 * H)
    _parcel(session, "A5", "deposited", d - H, d + 3 * H + 5 * M)  # still in the locker
    _parcel(session, "B1", "collected", d - H, d + H, d + 2 * H, locker="L2")
    _parcel(session, "U1", "collected", d + 190 * M, d + 190 * M, d + 5 * H, kind="unadvised")
    _parcel(session, "R1", "returned", d - 2 * H, d + 4 * H, kind="return", returned_at=d + 8 * H)
    _parcel(session, "R2", "lapsed", d + H, kind="return", expired_at=d + 49 * H)
    _parcel(session, "F1", "lapsed", d - H, expired_at=d + 47 * H)  # no courier came
    _parcel(session, "C1", "cancelled", d - H)
    _parcel(session, "OLD", "collected", NOW - 90 * 24 * H, NOW - 89 * 24 * H, NOW - 88 * 24 * H)
    session.commit()

    kpis = last_mile_kpis(session, d - 2 * H, d + 24 * H)

    assert (kpis.delivered, kpis.collected, kpis.expired, kpis.returns) == (7, 4, 2, 1)
    assert (kpis.pickup_rate, kpis.expired_rate) == (4 / 6, 2 / 6)
    assert (kpis.settled, kpis.failed, kpis.failed_rate) == (8, 1, 1 / 8)
    assert kpis.mean_dwell == (2 * H + 6 * H + H + 110 * M) / 4
    assert (kpis.deposits, kpis.stops, kpis.parcels_per_stop) == (7, 3, 7 / 3)


def test_a_parcel_a_courier_took_back_after_expiry_still_counts_as_expired(
    session, make_locker, parcel_data, now, settings
):
    """Through the real events: deposit, expiry, collection by a courier (state `returned`)."""
    locker, _ = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    deposit = {"type": "deposited", "parcel": parcel.tracking_code, "cmp": 1}
    _event(session, locker, now, settings, 1, deposit)
    deadline = parcel.pickup_deadline
    assert lifecycle.expire_due(session, deadline, settings) == 1
    window = (now - H, now + H)
    assert last_mile_kpis(session, *window).expired == 1
    taken = {"type": "courier_collected", "parcel": parcel.tracking_code, "cmp": 1}
    _event(session, locker, deadline + H, settings, 2, taken)
    assert parcel.state == "returned"
    kpis = last_mile_kpis(session, *window)
    assert (kpis.delivered, kpis.collected, kpis.expired, kpis.pickup_rate) == (1, 0, 1, 0.0)


def _event(session, locker, at, settings, seq, body):
    full = dict(body, lkr=locker.id, seq=seq, t=to_ms(at))
    apply_device_event(session, locker, full, at, settings=settings)
    session.flush()


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
