"""A parcel its recipient holds (cloud/services/recipient_hold.py) is left out of every wave
that starts before the hold ends, and planned again after it."""

from datetime import timedelta

from sqlmodel import select

from cloud.models import Parcel
from cloud.planning.wave import read_wave
from cloud.services import recipient_hold
from tests.cloud.planning.conftest import MORNING


def test_a_held_parcel_waits_for_the_wave_after_its_hold(session, city, settings):
    city(lockers_count=2, per_locker=2)
    held = session.exec(select(Parcel).where(Parcel.tracking_code == "PL01000")).one()
    until = MORNING.date() + timedelta(days=2)
    recipient_hold.hold(session, held.id, until, MORNING, settings, actor="recipient")
    session.commit()

    def planned(now):
        return {job.parcel_id for job in read_wave(session, "WAW", now, "06:00").jobs}

    assert held.id not in planned(MORNING) and len(planned(MORNING)) == 3
    assert held.id in planned(MORNING + timedelta(days=2))
