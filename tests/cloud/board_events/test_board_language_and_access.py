"""What the cloud tells the board about a parcel's recipient: the language of the display lines
(`credential`'s `lang`) and the need for a low compartment (`reserve`'s `acc`), every time it
sends them (resync too); and a board's choice of a high compartment for a parcel that needs a
low one is never accepted (issue 14)."""

import pytest
from sqlmodel import select

from cloud.models import Alarm, AuditEntry
from cloud.services import parcels, resync
from tests.cloud.board_events.test_keypad import apply, commands, compartment, event

ADA = {"name": "Ada Lovelace", "phone": "+441234567890", "email": None}


@pytest.fixture
def locker(session, make_locker, now):
    """L1: 1 S, 2 S low, 3 M, 4 M low, 5 L."""
    locker, _ = make_locker(sizes="SSMML")
    for number in (2, 4):
        compartment(session, number).accessible = True
    session.flush()
    return locker


def too_small(now, old, new):
    """The board's `retargeted` of JJD0001 from `old` to `new` ("too small")."""
    fields = {"parcel": "JJD0001", "cmp": new, "from": old, "reason": "too_small"}
    return event(now, 1, "retargeted", **fields)


def preadvise(session, parcel_data, now, settings, code="JJD0001", **recipient):
    data = parcel_data(tracking_code=code, recipient=ADA | recipient)
    return parcels.preadvise(session, data, now, settings=settings)


def test_a_parcel_that_needs_a_low_compartment_is_reserved_with_acc(
    session, locker, parcel_data, now, settings
):
    preadvise(session, parcel_data, now, settings, accessible=True)
    preadvise(session, parcel_data, now, settings, code="JJD0002")
    assert commands(session, "reserve") == [
        {"parcel": "JJD0001", "cmp": 2, "asof": 0, "acc": 1},
        {"parcel": "JJD0002", "cmp": 1, "asof": 0},  # no need: no flag (an old board's form)
    ]


def test_the_resync_sends_the_flag_again(session, locker, parcel_data, now, settings):
    preadvise(session, parcel_data, now, settings, accessible=True)
    resync.resync_locker(session, locker, now, settings=settings)
    assert commands(session, "reserve")[-1] == {"parcel": "JJD0001", "cmp": 2, "asof": 0, "acc": 1}


@pytest.mark.parametrize("language", ["en", "de", "pl"])
def test_the_credential_carries_the_recipients_language(
    session, locker, parcel_data, now, settings, language
):
    preadvise(session, parcel_data, now, settings, language=language)
    apply(session, locker, now, settings, event(now, 1, "deposited", parcel="JJD0001", cmp=1))
    [credential] = commands(session, "credential")
    assert credential["lang"] == language
    resync.resync_locker(session, locker, now, settings=settings)
    assert commands(session, "credential")[-1]["lang"] == language


def test_a_high_compartment_chosen_for_a_parcel_that_needs_a_low_one_is_refused(
    session, locker, parcel_data, now, settings
):
    parcel = preadvise(session, parcel_data, now, settings, accessible=True)
    apply(session, locker, now, settings, too_small(now, 2, 3))
    assert (compartment(session, 3).state, compartment(session, 3).parcel_id) == ("free", None)
    assert parcel.compartment_id == compartment(session, 2).id  # it keeps its reservation
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.kind, alarm.compartment) == ("conflict", 3)
    assert "not accessible" in alarm.detail
    entries = session.exec(select(AuditEntry).where(AuditEntry.action == "parcel_retargeted"))
    assert "not accessible" in entries.one().detail


def test_a_low_compartment_chosen_for_it_is_accepted(session, locker, parcel_data, now, settings):
    parcel = preadvise(session, parcel_data, now, settings, accessible=True)
    apply(session, locker, now, settings, too_small(now, 2, 4))
    assert parcel.compartment_id == compartment(session, 4).id
    assert session.exec(select(Alarm)).all() == []


def test_a_parcel_without_the_need_goes_anywhere(session, locker, parcel_data, now, settings):
    parcel = preadvise(session, parcel_data, now, settings)
    apply(session, locker, now, settings, too_small(now, 1, 3))
    assert parcel.compartment_id == compartment(session, 3).id
