"""'Too small' ('*' then '1') and 'door jammed' ('*' then '2') with a deposit door open: the
board gives another compartment it holds no reservation for and tells the cloud."""

from firmware.core.actions import PULSE, Beep, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import Booted, Connected, DoorClosed, DoorOpened, Tick
from firmware.core.journal import Journal
from tests.firmware.core.builders import (
    COURIER_CODE,
    KEY,
    LOCKER,
    NOW,
    Cloud,
    couriers,
    event_bodies,
    run,
    type_keys,
)

LAYOUT = [(1, "S"), (2, "S"), (3, "M"), (4, "L"), (5, "M")]


def _door_open(parcel="501", cmp=1, reserve_also=(), journal=None):
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT, journal=journal), Cloud()
    run(
        ctl,
        [
            couriers(cloud, COURIER_CODE),
            Connected(),
            cloud.command("reserve", parcel=parcel, cmp=cmp),
        ],
    )
    for other, other_cmp in reserve_also:
        ctl.handle(cloud.command("reserve", parcel=other, cmp=other_cmp), NOW)
    type_keys(ctl, COURIER_CODE + "#" + parcel + "#")
    ctl.handle(DoorOpened(cmp), NOW)
    return ctl, cloud


def test_star_with_a_deposit_door_open_offers_the_choices():
    ctl, _ = _door_open()
    assert type_keys(ctl, "*") == [Show("1 too small 2 jammed * end"), Beep("ok")]
    assert ctl.courier_session_active()


def test_too_small_opens_the_smallest_bigger_free_door_and_tells_the_cloud():
    ctl, _ = _door_open("501", 1, reserve_also=[("Q", 3)])  # 3 (M) is promised to another parcel
    actions = type_keys(ctl, "*1")
    assert [a for a in actions if a[0] == PULSE] == [Pulse(5, 300)]
    assert actions[-1] == Show("Door 5 open - close door 1")
    assert event_bodies(actions) == [
        {
            "lkr": LOCKER,
            "seq": 1,
            "t": NOW,
            "type": "retargeted",
            "parcel": "501",
            "cmp": 5,
            "from": 1,
            "reason": "too_small",
        }
    ]
    # the first door closes empty: nothing deposited there; the parcel goes in door 5
    actions = run(ctl, [DoorClosed(1), DoorOpened(5), DoorClosed(5)])
    assert [(b["type"], b["cmp"]) for b in event_bodies(actions)] == [("deposited", 5)]
    assert (ctl.compartment(1).state, ctl.compartment(5).state) == ("free", "occupied")
    assert ctl.compartment(3).state == "reserved"


def test_too_small_with_no_bigger_door_free_keeps_the_reservation_and_deposits_nothing():
    ctl, _ = _door_open("501", 4)  # already the largest
    actions = type_keys(ctl, "*1")
    assert actions[-2:] == [Show("No bigger door free - keep parcel"), Beep("error")]
    assert event_bodies(actions) == []
    assert event_bodies(ctl.handle(DoorClosed(4), NOW)) == []
    assert ctl.compartment(4).state == "reserved" and ctl.has_reservation("501")


def test_a_released_door_survives_a_power_cut_as_nothing_deposited():
    ctl, _ = _door_open("501", 4)
    type_keys(ctl, "*1")
    board = Controller(LOCKER, KEY, LAYOUT)
    board.restore(ctl.snapshot())
    assert event_bodies(board.handle(Booted([]), NOW)) == []  # closed during the outage
    assert board.compartment(4).state == "reserved"


def test_door_jammed_takes_the_door_out_and_opens_one_of_the_same_size():
    ctl, _ = _door_open("501", 3)
    actions = type_keys(ctl, "*2")
    assert [a for a in actions if a[0] == PULSE] == [Pulse(5, 300)]
    assert [(b["type"], b.get("cmp"), b.get("from")) for b in event_bodies(actions)] == [
        ("jammed", 3, None),
        ("retargeted", 5, 3),
    ]
    assert actions[-1] == Show("Door 3 jammed - use door 5")
    assert ctl.compartment(3).state == "jammed"
    assert event_bodies(run(ctl, [DoorOpened(5), DoorClosed(5)]))[0]["type"] == "deposited"


def test_door_jammed_with_no_other_door_free_keeps_the_parcel_with_the_courier():
    ctl, _ = _door_open("501", 4)
    actions = type_keys(ctl, "*2")
    assert [b["type"] for b in event_bodies(actions)] == ["jammed"]
    assert actions[-2:] == [Show("Door 4 jammed - keep parcel"), Beep("error")]


def test_no_room_in_the_journal_changes_nothing():
    ctl, _ = _door_open("501", 1, journal=Journal(capacity=2))
    actions = type_keys(ctl, "*1")
    assert actions[-2:] == [Show("Locker offline - try later"), Beep("error")]
    assert ctl.compartment(1).state == "open" and ctl.has_reservation("501")
    # the door still settles as a deposit
    assert event_bodies(ctl.handle(DoorClosed(1), NOW))[0]["type"] == "deposited"


def test_star_without_an_open_door_still_ends_the_session():
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE)])
    type_keys(ctl, COURIER_CODE + "#")
    assert type_keys(ctl, "*") == [Show("Session ended")]


def test_a_parcel_whose_door_the_board_found_jammed_gets_another_when_entered_again():
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT), Cloud()
    run(
        ctl,
        [couriers(cloud, COURIER_CODE), Connected(), cloud.command("reserve", parcel="501", cmp=1)],
    )
    type_keys(ctl, COURIER_CODE + "#501#")
    ctl.handle(Tick(), NOW + 5_000)  # not seen open: pulsed again
    jam = ctl.handle(Tick(), NOW + 10_000)
    assert Show("Door 1 jammed - try another code") in jam
    actions = type_keys(ctl, "501#", NOW + 11_000)
    assert [a for a in actions if a[0] == PULSE] == [Pulse(2, 300)]
    assert [(b["type"], b["cmp"], b["from"]) for b in event_bodies(actions)] == [
        ("retargeted", 2, 1)
    ]
    assert actions[-1] == Show("Door 1 jammed - use door 2")


def test_star_then_the_door_shut_ends_the_session_and_the_parcel_is_in():
    ctl, _ = _door_open("501", 1)
    type_keys(ctl, "*")
    actions = ctl.handle(DoorClosed(1), NOW)
    assert [b["type"] for b in event_bodies(actions)] == ["deposited"]
    assert actions[-1] == Show("Session ended") and not ctl.courier_session_active()
