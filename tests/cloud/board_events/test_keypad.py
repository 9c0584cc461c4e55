"""The cloud side of the courier and return flows at the keypad: `retargeted`, `unadvised`,
`return_deposited`, `courier_collected`, and the commands they and collection.py queue."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from cloud.board_events import apply_device_event
from cloud.core.clock import to_ms
from cloud.models import Alarm, Compartment, Parcel, ParcelState, PickupCredential
from cloud.models.returns import ReturnCreate
from cloud.services import collection, outbox, parcels, resync, returns


def event(now, seq, type, **fields):
    return {"lkr": "L1", "seq": seq, "t": to_ms(now), "type": type, **fields}


def commands(session, type):
    return [json.loads(m.body) for m in outbox.pending(session, "L1") if m.type == type]


def compartment(session, number):
    return session.exec(select(Compartment).where(Compartment.number == number)).one()


@pytest.fixture
def reserved(session, make_locker, parcel_data, now, settings):
    """Locker L1 with compartments 1 S, 2 S, 3 M, 4 L; parcel JJD0001 reserved in 1."""
    locker, _ = make_locker(sizes="SSML")
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    return locker, parcel


def apply(session, locker, now, settings, *bodies):
    for body in bodies:
        apply_device_event(session, locker, body, now, settings=settings)
    session.flush()


def test_too_small_moves_the_reservation_to_the_boards_choice(session, reserved, now, settings):
    locker, parcel = reserved
    apply(
        session,
        locker,
        now,
        settings,
        event(now, 1, "retargeted", parcel="JJD0001", cmp=3, **{"from": 1, "reason": "too_small"}),
    )
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("free", None)
    assert (compartment(session, 3).state, compartment(session, 3).parcel_id) == (
        "reserved",
        parcel.id,
    )
    assert parcel.compartment_id == compartment(session, 3).id
    apply(session, locker, now, settings, event(now, 2, "deposited", parcel="JJD0001", cmp=3))
    assert parcel.state == "deposited" and compartment(session, 3).state == "occupied"


def test_a_jammed_door_stays_jammed_with_an_alarm_when_the_parcel_moves(
    session, reserved, now, settings
):
    locker, parcel = reserved
    apply(
        session,
        locker,
        now,
        settings,
        event(now, 1, "jammed", cmp=1),
        event(now, 2, "retargeted", parcel="JJD0001", cmp=2, **{"from": 1, "reason": "jammed"}),
    )
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("jammed", None)
    assert compartment(session, 2).parcel_id == parcel.id
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.kind, alarm.compartment) == ("jammed", 1)


def test_a_parcel_displaced_by_the_boards_choice_gets_another_compartment(
    session, reserved, parcel_data, now, settings
):
    locker, parcel = reserved
    other = parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    assert other.compartment_id == compartment(session, 2).id
    apply(
        session,
        locker,
        now,
        settings,
        event(now, 1, "retargeted", parcel="JJD0001", cmp=2, **{"from": 1, "reason": "jammed"}),
    )
    assert other.state == "reserved" and other.compartment_id == compartment(session, 1).id
    assert {"parcel": "JJD0002"} in commands(session, "revoke")
    assert {"parcel": "JJD0002", "cmp": 1, "asof": 1} in commands(session, "reserve")


def test_a_retargeted_for_a_parcel_not_waiting_changes_nothing(session, reserved, now, settings):
    locker, parcel = reserved
    apply(
        session,
        locker,
        now,
        settings,
        event(now, 1, "retargeted", parcel="NOPE", cmp=3, **{"from": 1, "reason": "too_small"}),
    )
    assert (
        compartment(session, 3).state == "free"
        and parcel.compartment_id == compartment(session, 1).id
    )


def test_an_unadvised_parcel_gets_a_compartment_of_the_chosen_size(
    session, reserved, now, settings
):
    locker, _ = reserved
    apply(session, locker, now, settings, event(now, 1, "unadvised", parcel="X77", size="M"))
    parcel = session.exec(select(Parcel).where(Parcel.tracking_code == "X77")).one()
    assert (parcel.kind, parcel.state, parcel.carrier, parcel.recipient_name) == (
        "unadvised",
        "reserved",
        "unadvised",
        "",
    )
    assert commands(session, "reserve")[-1] == {"parcel": "X77", "cmp": 3, "asof": 1}
    apply(session, locker, now, settings, event(now, 2, "deposited", parcel="X77", cmp=3))
    assert parcel.state == "deposited"
    assert session.exec(select(PickupCredential)).all() == []  # nobody to give a PIN to yet


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"parcel": "X77", "size": "XL"}, "unknown size"),
        ({"parcel": "JJD0001", "size": "S", "t_shift_s": -600}, "asked too long ago"),
    ],
)
def test_an_unadvised_parcel_is_refused_with_a_reason(
    session, reserved, now, settings, body, reason
):
    locker, _ = reserved
    body = dict(body)  # the parameter is shared by the SQLite and the PostgreSQL run
    when = now + timedelta(seconds=body.pop("t_shift_s", 0))
    apply(session, locker, now, settings, event(when, 1, "unadvised", **body))
    assert commands(session, "refuse_parcel") == [{"parcel": body["parcel"], "reason": reason}]


def test_an_unadvised_parcel_with_no_free_compartment_is_refused(
    session, reserved, parcel_data, now, settings
):
    locker, _ = reserved
    parcels.preadvise(
        session, parcel_data(tracking_code="JJD0002", height_mm=400), now, settings=settings
    )
    apply(session, locker, now, settings, event(now, 1, "unadvised", parcel="X77", size="L"))
    assert commands(session, "refuse_parcel") == [
        {"parcel": "X77", "reason": "no free compartment"}
    ]
    assert session.exec(select(Parcel).where(Parcel.tracking_code == "X77")).first() is None


def test_schedule_collection_queues_a_collect_and_a_courier_takes_it(
    session, reserved, now, settings
):
    locker, parcel = reserved
    apply(session, locker, now, settings, event(now, 1, "deposited", parcel="JJD0001", cmp=1))
    parcel.state = ParcelState.EXPIRED  # as the expiry job leaves it (cloud/services/lifecycle.py)
    assert collection.schedule_collection(session, parcel, now, settings)
    assert commands(session, "collect") == [{"parcel": "JJD0001", "cmp": 1}]
    apply(
        session, locker, now, settings, event(now, 2, "courier_collected", parcel="JJD0001", cmp=1)
    )
    assert (parcel.state, parcel.returned_at, parcel.compartment_id) == ("returned", now, None)
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("free", None)
    assert collection.to_collect(session, "L1") == []


def test_a_parcel_in_no_compartment_is_not_scheduled(session, reserved, now, settings):
    _, parcel = reserved
    parcel.compartment_id = None
    assert not collection.schedule_collection(session, parcel, now, settings)
    assert commands(session, "collect") == []


def _return(session, now, settings, **overrides):
    fields = {
        "locker_id": "L1",
        "carrier": "Shop",
        "size": "M",
        "contact": {"name": "Ada", "phone": "+441234567890"},
    }
    return returns.create_return(session, ReturnCreate(**{**fields, **overrides}), now, settings)


def test_a_return_reserves_a_compartment_and_sends_the_code(session, reserved, now, settings):
    parcel, cmp, code = _return(session, now, settings)
    assert (parcel.kind, parcel.state, cmp.number, cmp.state) == (
        "return",
        "reserved",
        3,
        "reserved",
    )
    [command] = commands(session, "return")
    assert (
        command["parcel"] == parcel.tracking_code
        and command["cmp"] == 3
        and len(command["v"]) == 32
    )
    assert code not in json.dumps(command)
    credential = session.exec(
        select(PickupCredential).where(PickupCredential.parcel_id == parcel.id)
    ).one()
    assert credential.holder == "return" and credential.expires_at > now


def test_a_return_dropped_off_is_scheduled_for_collection(session, reserved, now, settings):
    locker, _ = reserved
    parcel, _, _ = _return(session, now, settings)
    apply(
        session,
        locker,
        now,
        settings,
        event(now, 1, "return_deposited", parcel=parcel.tracking_code, cmp=3),
    )
    assert (parcel.state, compartment(session, 3).state) == ("deposited", "occupied")
    assert commands(session, "collect") == [{"parcel": parcel.tracking_code, "cmp": 3}]
    assert (
        session.exec(select(PickupCredential).where(PickupCredential.parcel_id == parcel.id))
        .one()
        .used_at
        == now
    )
    apply(
        session,
        locker,
        now,
        settings,
        event(now, 2, "courier_collected", parcel=parcel.tracking_code, cmp=3),
    )
    assert parcel.state == "returned" and compartment(session, 3).state == "free"


def test_a_return_needs_a_size_or_dimensions(session, reserved, now, settings):
    from cloud.services.errors import Invalid

    with pytest.raises(Invalid):
        _return(session, now, settings, size=None)


def test_a_resync_sends_return_codes_and_collections_again(session, reserved, now, settings):
    locker, parcel = reserved
    ret, _, _ = _return(session, now, settings)
    apply(session, locker, now, settings, event(now, 1, "deposited", parcel="JJD0001", cmp=1))
    collection.schedule_collection(session, parcel, now, settings)
    for message in outbox.pending(session, "L1"):
        message.dropped_at = now  # as if lost with the broker's session
    resync.resync_locker(session, locker, now, settings=settings)
    assert commands(session, "collect") == [{"parcel": "JJD0001", "cmp": 1}]
    assert [c["parcel"] for c in commands(session, "return")] == [ret.tracking_code]


def test_a_return_displaced_by_a_deposit_gets_another_compartment_and_keeps_its_code(
    session, reserved, now, settings
):
    locker, _ = reserved
    parcel, cmp, _ = _return(session, now, settings, size="S")  # compartment 2
    code_verifier = commands(session, "return")[0]["v"]
    apply(session, locker, now, settings, event(now, 1, "deposited", parcel="JJD0001", cmp=2))
    assert {"parcel": parcel.tracking_code} in commands(session, "revoke")
    assert (parcel.state, parcel.compartment_id) == ("reserved", compartment(session, 1).id)
    again = commands(session, "return")[-1]
    assert (again["cmp"], again["v"]) == (1, code_verifier)
