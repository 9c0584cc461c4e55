"""The door-release budget's parts: who counts, contact keys and their normalisation, forgetting
old keys, and booking a collection to its courier."""

import hashlib
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.models import CourierRouteStop, Delegate, DoorRelease
from cloud.models.door_release import COLLECTION, DELEGATION, REMOTE_OPEN
from cloud.services import courier_codes, delegate_contacts, delegation, door_budget, parcels, purge
from cloud.services.errors import RateLimited
from cloud.services.remote_open import open_remotely


@pytest.fixture
def deposited(session, make_locker, parcel_data, now, settings):
    """Five parcels deposited in L1 (doors 1-5 of six), their ids."""
    locker, _ = make_locker("L1", sizes="MMMMMM")
    ids = []
    for n in range(1, 6):
        parcel = parcels.preadvise(
            session, parcel_data(tracking_code=f"P{n}", height_mm=50), now, settings=settings
        )
        apply_device_event(
            session,
            locker,
            {"lkr": "L1", "seq": n, "t": 0, "type": "deposited", "parcel": f"P{n}", "cmp": n},
            now,
            settings=settings,
        )
        ids.append(parcel.id)
    session.commit()
    return ids


@pytest.mark.parametrize(
    "written, same_as",
    [
        ("+441234567890", "441234567890"),
        ("00441234567890", "441234567890"),
        ("Ada.L+parcels@Example.org", "ada.l@example.org"),
        ("a.d.a@googlemail.com", "ada@gmail.com"),
        (" ADA@example.org", "ada@example.org"),
    ],
)
def test_one_contact_written_many_ways_is_one_key(settings, written, same_as):
    if "@" in written:
        assert delegate_contacts.contact_keys(
            settings, None, written
        ) == delegate_contacts.contact_keys(settings, None, same_as)
    else:
        assert delegate_contacts.contact_keys(
            settings, written, None
        ) == delegate_contacts.contact_keys(settings, same_as, None)


def test_a_contact_key_is_keyed_by_the_pepper_and_is_never_the_contact(settings):
    phone_key, email_key = delegate_contacts.contact_keys(
        settings, "+441234567890", "ada@example.org"
    )
    other = settings.model_copy(update={"pin_pepper": SecretStr("another-pepper-0123456789")})
    assert delegate_contacts.contact_keys(other, "+441234567890", "ada@example.org") != (
        phone_key,
        email_key,
    )
    assert (
        phone_key != hashlib.sha256(b"441234567890").hexdigest() and "441234567890" not in phone_key
    )
    assert phone_key != delegate_contacts.contact_keys(settings, None, "441234567890@x.org")[1]


def test_the_recipients_own_delegation_is_recorded_but_not_counted(
    session, deposited, now, settings
):
    for parcel_id in deposited[:4]:  # more than the locker's three
        delegation.delegate(
            session,
            parcel_id,
            Delegate(name="Bob", phone=f"+4470000000{parcel_id.int % 100:02d}"),
            now,
            settings,
            actor=door_budget.RECIPIENT,
        )
    open_remotely(session, "L1", 6, "olga", "stuck", now, settings)  # the locker's budget is whole
    rows = session.exec(select(DoorRelease).order_by(DoorRelease.id)).all()
    assert [(r.kind, r.counted) for r in rows] == [(DELEGATION, False)] * 4 + [(REMOTE_OPEN, True)]


def test_an_operators_delegations_and_remote_opens_share_the_locker_budget(
    session, deposited, now, settings
):
    open_remotely(session, "L1", 6, "olga", "stuck", now, settings)
    for parcel_id in deposited[:2]:
        delegation.delegate(
            session,
            parcel_id,
            Delegate(name="Bob", phone="+447000000001", reason="asked"),
            now,
            settings,
            actor="operator:olga",
        )
    with pytest.raises(RateLimited) as refusal:
        delegation.delegate(
            session,
            deposited[2],
            Delegate(name="Bob", phone="+447000000001", reason="asked"),
            now,
            settings,
            actor="operator:ivan",
        )
    assert refusal.value.code == "delegation_locker_limit" and refusal.value.on_record
    assert "door releases" in refusal.value.message


def test_contact_keys_older_than_their_window_are_forgotten_by_the_purge(
    session, deposited, now, settings
):
    settings.delegate_contact_window_s = 3600
    delegation.delegate(
        session,
        deposited[0],
        Delegate(name="Bob", phone="+447000000001"),
        now,
        settings,
        actor=door_budget.RECIPIENT,
    )
    later = now + timedelta(seconds=settings.delegate_contact_window_s - 1)
    delegation.delegate(
        session,
        deposited[1],
        Delegate(name="Bob", email="bob@example.org"),
        later,
        settings,
        actor=door_budget.RECIPIENT,
    )
    purge.purge_contacts(
        session, now + timedelta(seconds=settings.delegate_contact_window_s), settings
    )
    rows = session.exec(select(DoorRelease).order_by(DoorRelease.id)).all()
    assert [(r.phone_key, r.email_key is not None) for r in rows] == [(None, False), (None, True)]


def test_a_collection_is_booked_to_the_one_courier_routed_there_that_day(
    session, deposited, now, settings
):
    parcel = parcels.get_parcel(session, deposited[0])
    assert door_budget.collecting_courier(session, "L1", now) == door_budget.UNATTRIBUTED
    sam = courier_codes.register_courier(session, "Sam", now, actor="system", settings=settings)[0]
    session.add(CourierRouteStop(courier_id=sam.id, locker_id="L1", day=now.date()))
    session.flush()
    collected = door_budget.record_collection(session, parcel, 1, now, settings)
    assert (collected.kind, collected.actor, collected.counted) == (
        COLLECTION,
        f"courier:{sam.id}",
        False,
    )
    kim = courier_codes.register_courier(session, "Kim", now, actor="system", settings=settings)[0]
    session.add(CourierRouteStop(courier_id=kim.id, locker_id="L1", day=now.date()))
    session.flush()
    assert door_budget.collecting_courier(session, "L1", now) == door_budget.UNATTRIBUTED
    assert (
        door_budget.collecting_courier(session, "L1", now + timedelta(days=1))
        == door_budget.UNATTRIBUTED
    )
