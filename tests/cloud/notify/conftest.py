"""A deposited parcel for notification tests: locker L1 (S, M, L), parcel JJD0001 in it."""

import pytest

from cloud.board_events import apply_device_event
from cloud.services import parcels


@pytest.fixture
def deposit(session, make_locker, parcel_data, now, settings):
    """Pre-advise a parcel (fields overridden) and deposit it: (locker, parcel)."""

    def make(**overrides):
        locker, _ = make_locker()
        parcel = parcels.preadvise(session, parcel_data(**overrides), now, settings=settings)
        body = {
            "lkr": "L1",
            "seq": 1,
            "t": 1_893_499_200_000,
            "type": "deposited",
            "parcel": parcel.tracking_code,
            "cmp": 1,
        }
        apply_device_event(session, locker, body, now, settings=settings)
        session.flush()
        return locker, parcel

    return make
