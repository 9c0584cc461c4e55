"""Recipients' contact data is cleared a set time after the parcel's life ended, and only then."""

from datetime import timedelta

import pytest
from sqlmodel import select

from cloud.models import Notification, Parcel, ParcelState
from cloud.services.purge import purge_contacts

DAY = timedelta(days=1)


@pytest.fixture
def parcels_of_every_kind(session, make_locker, now):
    """One parcel per state, each with a notification; collected ones 40 and 10 days ago."""
    make_locker(sizes="SSSSSS")
    rows = {
        "live": Parcel(state=ParcelState.DEPOSITED),
        "old": Parcel(state=ParcelState.COLLECTED, collected_at=now - 40 * DAY),
        "recent": Parcel(state=ParcelState.COLLECTED, collected_at=now - 10 * DAY),
        "cancelled": Parcel(state=ParcelState.CANCELLED),
    }
    for n, (name, parcel) in enumerate(rows.items()):
        for field, value in dict(
            carrier="DHL",
            tracking_code=f"T{n}",
            locker_id="L1",
            width_mm=1,
            height_mm=1,
            depth_mm=1,
            recipient_name="Ada " + name,
            recipient_phone="+441234567890",
            recipient_email="ada@example.org",
        ).items():
            setattr(parcel, field, value)
        session.add(parcel)
        session.flush()
        session.add(
            Notification(
                parcel_id=parcel.id,
                channel="sms",
                recipient="+441234567890",
                message="hi",
                sent_at=now - 40 * DAY if name == "old" else None,
                sealed_pin="sealed",
                idempotency_key=f"purge-test-{n}",
            )
        )
    session.flush()
    return rows


def notification_of(session, parcel):
    return session.exec(select(Notification).where(Notification.parcel_id == parcel.id)).one()


def test_only_parcels_ended_over_the_retention_ago_lose_their_contact_data(
    session, parcels_of_every_kind, now, settings
):
    assert purge_contacts(session, now, settings) == 1
    old = parcels_of_every_kind["old"]
    assert (old.recipient_name, old.recipient_phone, old.recipient_email, old.purged_at) == (
        "",
        None,
        None,
        now,
    )
    assert (notification_of(session, old).recipient, notification_of(session, old).sealed_pin) == (
        "",
        None,
    )
    for name in ("live", "recent", "cancelled"):
        parcel = parcels_of_every_kind[name]
        assert parcel.recipient_phone and parcel.purged_at is None
        assert notification_of(session, parcel).recipient == "+441234567890"


def test_a_parcel_whose_end_time_is_unknown_is_kept_the_full_retention_from_when_it_was_seen(
    session, parcels_of_every_kind, now, settings
):
    cancelled = parcels_of_every_kind["cancelled"]
    assert purge_contacts(session, now, settings) == 1  # "old"
    assert cancelled.life_ended_at == now and cancelled.purged_at is None
    assert purge_contacts(session, now + 21 * DAY, settings) == 1  # "recent", collected at -10 days
    assert purge_contacts(session, now + 29 * DAY, settings) == 0
    assert purge_contacts(session, now + 31 * DAY, settings) == 1
    assert cancelled.recipient_name == "" and cancelled.purged_at == now + 31 * DAY
    unsent = notification_of(session, cancelled)  # never sent: now never will be, to nobody
    assert unsent.recipient == "" and unsent.dead_at == now + 31 * DAY


def test_purging_is_idempotent_and_a_live_parcel_is_never_touched(
    session, parcels_of_every_kind, now, settings
):
    later = now + 365 * DAY
    assert purge_contacts(session, later, settings) == 2  # the cancelled one's clock starts now
    assert purge_contacts(session, later, settings) == 0
    assert purge_contacts(session, later + 31 * DAY, settings) == 1
    assert purge_contacts(session, later + 32 * DAY, settings) == 0
    live = parcels_of_every_kind["live"]
    assert live.recipient_name == "Ada live" and live.life_ended_at is None


def test_the_retention_is_a_setting(session, parcels_of_every_kind, now, settings):
    settings.contact_retention_days = 5
    assert purge_contacts(session, now, settings) == 2  # collected 40 and 10 days ago
