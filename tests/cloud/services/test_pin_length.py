"""PINs grow with a locker's occupancy: one guess never opens a door with a chance above 1 in
100,000 (credentials.pin_length_for), and pin_guessing reports from boards become alarms."""

import re

import pytest
from sqlmodel import col, select

from cloud.board_events import apply_device_event
from cloud.models import Notification
from cloud.services import alarms, notifications, parcels
from cloud.services.credentials import GUESS_ODDS, pin_length_for


@pytest.mark.parametrize(
    "live_after, minimum, length",
    [
        (1, 6, 6),
        (10, 6, 6),
        (11, 6, 7),
        (100, 6, 7),
        (101, 6, 8),
        (1000, 6, 8),
        (1001, 6, 9),
        (1, 4, 5),
        (2, 4, 6),
        (1, 8, 8),
        (1000, 8, 8),
        (1001, 8, 9),
    ],
)
def test_the_pin_length_rule(live_after, minimum, length):
    assert pin_length_for(live_after, minimum) == length


@pytest.mark.parametrize("live_after", [1, 9, 10, 11, 99, 100, 101, 12_345, 10**6])
def test_the_rule_keeps_the_odds_and_adds_no_needless_digit(live_after):
    length = pin_length_for(live_after, 6)
    assert live_after * GUESS_ODDS <= 10**length
    assert length == 6 or live_after * GUESS_ODDS > 10 ** (length - 1)


def event(seq, type="deposited", **fields):
    return {"lkr": "L1", "seq": seq, "t": 1_893_499_200_000, "type": type, **fields}


def issued_pins(session, settings):
    found = session.exec(select(Notification).order_by(col(Notification.id))).all()
    return [
        re.search(r"PIN (\d+)", notifications.text_to_send(n, settings)).group(1) for n in found
    ]


def test_issued_pins_grow_with_the_live_credentials_and_shrink_again(
    session, make_locker, parcel_data, now, settings
):
    assert settings.pin_length == 6
    locker, _ = make_locker(sizes="S" * 16)
    seq = 0

    def deposit(n):
        nonlocal seq
        seq += 1
        parcels.preadvise(session, parcel_data(tracking_code=f"P{n}"), now, settings=settings)
        apply_device_event(
            session, locker, event(seq, parcel=f"P{n}", cmp=n), now, settings=settings
        )

    for n in range(1, 13):
        deposit(n)
    assert [len(pin) for pin in issued_pins(session, settings)] == [6] * 10 + [7] * 2
    for n in (1, 2, 3):  # collected: their PINs are used, no longer live
        seq += 1
        apply_device_event(
            session, locker, event(seq, "collected", parcel=f"P{n}", cmp=n), now, settings=settings
        )
    deposit(13)  # 10 live with it
    deposit(14)  # 11
    assert [len(pin) for pin in issued_pins(session, settings)[12:]] == [6, 7]


def open_alarms(session):
    return [
        (a.kind, a.compartment, a.count, a.detail)
        for a in alarms.list_alarms(session, open_only=True)
    ]


def test_pin_guessing_raises_one_open_alarm_for_the_locker(session, make_locker, now, settings):
    locker, _ = make_locker()
    for seq, failures in ((1, 3), (2, 12), (2, 12)):  # seq 2 again: a resend, applied never
        apply_device_event(
            session, locker, event(seq, "pin_guessing", failures=failures), now, settings=settings
        )
    assert open_alarms(session) == [
        ("pin_guessing", None, 2, "keypad locked out after 3 wrong PINs or codes in a row")
    ]
