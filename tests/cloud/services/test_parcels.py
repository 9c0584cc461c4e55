import json
from datetime import timedelta

import pytest
from sqlmodel import select

from cloud.models import Compartment, ParcelState
from cloud.services import outbox, parcels
from cloud.services.errors import Conflict, NotFound


def compartment(session, parcel):
    return session.get(Compartment, parcel.compartment_id)


def test_preadvise_reserves_the_smallest_fit_and_queues_a_reserve(
    session, make_locker, parcel_data, now, settings
):
    make_locker(sizes="LSM")
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    reserved = compartment(session, parcel)
    assert parcel.state == "reserved" and (reserved.number, reserved.size) == (2, "S")
    assert reserved.state == "reserved" and reserved.parcel_id == parcel.id
    [command] = outbox.pending(session, "L1")
    assert (command.type, json.loads(command.body)) == (
        "reserve",
        {"parcel": "JJD0001", "cmp": 2, "asof": 0},
    )
    assert command.expires_at == now + timedelta(days=7)  # sync_command_ttl_s: waits for the board


def test_reservation_and_reserve_command_commit_or_vanish_together(
    engine, session, make_locker, parcel_data, now, settings, row_counts
):
    make_locker()
    session.commit()
    before = row_counts()
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    session.rollback()
    assert row_counts() == before
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    session.commit()
    after = row_counts()
    assert (after["parcel"], after["outboxmessage"]) == (
        before["parcel"] + 1,
        before["outboxmessage"] + 1,
    )


@pytest.mark.parametrize(
    "twin",
    [
        {"locker_id": "L2"},  # same carrier and code, another locker
        {
            "carrier": "UPS"
        },  # same locker and code, another carrier: the board could not tell them apart
    ],
)
def test_a_duplicate_is_refused_and_changes_nothing(
    session, make_locker, parcel_data, now, settings, row_counts, twin
):
    make_locker("L1"), make_locker("L2")
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    session.commit()
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        parcels.preadvise(session, parcel_data(**twin), now, settings=settings)
    assert refusal.value.code == "duplicate_parcel"
    session.rollback()
    assert row_counts() == before


def test_the_same_code_from_another_carrier_is_fine_in_another_locker(
    session, make_locker, parcel_data, now, settings
):
    make_locker("L1"), make_locker("L2")
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    assert (
        parcels.preadvise(
            session, parcel_data(carrier="UPS", locker_id="L2"), now, settings=settings
        ).state
        == "reserved"
    )


def test_a_cancelled_parcel_no_longer_blocks_its_code_in_the_locker(
    session, make_locker, parcel_data, now, settings
):
    make_locker()
    first = parcels.preadvise(session, parcel_data(), now, settings=settings)
    parcels.cancel(session, first.id, now, settings=settings)
    assert (
        parcels.preadvise(session, parcel_data(carrier="UPS"), now, settings=settings).state
        == "reserved"
    )


def test_too_big_is_refused_and_changes_nothing(
    session, make_locker, parcel_data, now, settings, row_counts
):
    make_locker()
    session.commit()
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        parcels.preadvise(
            session, parcel_data(width_mm=500, height_mm=500, depth_mm=500), now, settings=settings
        )
    assert refusal.value.code == "no_compartment_fits"
    session.rollback()
    assert row_counts() == before


def test_a_full_locker_refuses(session, make_locker, parcel_data, now, settings):
    make_locker(sizes="S")
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    with pytest.raises(Conflict) as refusal:
        parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    assert refusal.value.code == "locker_full"


def test_an_unknown_locker_is_not_found(session, parcel_data, now, settings):
    with pytest.raises(NotFound) as refusal:
        parcels.preadvise(session, parcel_data(locker_id="nowhere"), now, settings=settings)
    assert refusal.value.code == "locker_not_found"


def test_cancel_frees_the_compartment_and_revokes_on_the_board(
    session, make_locker, parcel_data, now, settings
):
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    number = compartment(session, parcel).number
    parcels.cancel(session, parcel.id, now, settings=settings)
    assert parcel.state == "cancelled" and parcel.compartment_id is None
    freed = session.exec(select(Compartment).where(Compartment.number == number)).one()
    assert (freed.state, freed.parcel_id) == ("free", None)
    assert [(m.type, json.loads(m.body)) for m in outbox.pending(session, "L1")][-1] == (
        "revoke",
        {"parcel": "JJD0001"},
    )


def test_only_parcels_not_yet_deposited_can_be_cancelled(
    session, make_locker, parcel_data, now, settings
):
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    parcel.state = ParcelState.DEPOSITED
    with pytest.raises(Conflict) as refusal:
        parcels.cancel(session, parcel.id, now, settings=settings)
    assert refusal.value.code == "not_cancellable"


def test_find_parcels_by_carrier_and_code(session, make_locker, parcel_data, now, settings):
    make_locker(sizes="SS")
    parcels.preadvise(session, parcel_data(), now, settings=settings)
    parcels.preadvise(
        session, parcel_data(carrier="UPS", tracking_code="1Z999"), now, settings=settings
    )
    assert [p.carrier for p in parcels.find_parcels(session, carrier="UPS")] == ["UPS"]
    assert [p.tracking_code for p in parcels.find_parcels(session, tracking_code="JJD0001")] == [
        "JJD0001"
    ]
    assert len(parcels.find_parcels(session)) == 2
