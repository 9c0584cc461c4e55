"""Guessing PINs at the keypad: the keypad backs off with growing delays, the cloud raises an
alarm from the board's signed report, and PINs grow with occupancy so that one guess never opens
any door with a chance above 1 in 100,000. Together: how many guesses a day, at most, and the
odds that a day of guessing opens a door.

(The unit tests of each piece: tests/firmware/core/test_keypad_lockout.py and
tests/cloud/services/test_pin_length.py.)"""

import pytest
from sqlmodel import select

from bridge.inbound import handle_event
from cloud.models import Alarm
from cloud.services.credentials import GUESS_ODDS, pin_length_for
from firmware.core.actions import PUBLISH, PULSE, Pulse
from firmware.core.controller import Controller
from firmware.core.events import Connected
from firmware.core.lockout import Lockout
from tests.firmware.core.builders import NOW, PIN, pin_credential, type_keys, with_deposits

DAY_MS = 24 * 3600 * 1000
S = 1000


def board():
    """A board with parcel PKG-1 behind door 1, its PIN live."""
    ctl, cloud = with_deposits(["PKG-1"])
    type_keys(ctl, "*")  # the courier leaves
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    return ctl


def guess(ctl, pin, now):
    """The actions of typing `pin` and '#': checked only if the keypad is not waiting."""
    return type_keys(ctl, pin + "#", now)


def guesses_in_a_day(burst):
    """PINs a guesser gets checked in 24 h: `burst` guesses, each as soon as the keypad lets it,
    then silence until the board forgets the series (Lockout.forget_ms), and again."""
    ctl, now, checked = board(), NOW, 0
    while now < NOW + DAY_MS:
        for _ in range(burst):
            now += ctl.keypad_wait_ms(now)
            if now >= NOW + DAY_MS:
                break
            assert not [a for a in guess(ctl, "0000", now) if a[0] == PULSE]
            checked += 1
        now += Lockout.forget_ms
    return checked


def test_the_wait_grows_with_each_failure_to_five_minutes():
    ctl, now, waits = board(), NOW, []
    for _ in range(Lockout.free_attempts + 10):
        waits.append(ctl.keypad_wait_ms(now))
        now += waits[-1]
        guess(ctl, "0000", now)
    assert waits[: Lockout.free_attempts] == [0] * Lockout.free_attempts
    growing = waits[Lockout.free_attempts :]
    assert growing == sorted(growing) and growing[0] == 2 * S and growing[-1] == Lockout.max_wait_ms


def test_while_it_waits_even_the_right_pin_is_not_checked():
    ctl = board()
    for _ in range(Lockout.free_attempts):
        guess(ctl, "0000", NOW)
    assert not [a for a in guess(ctl, PIN, NOW) if a[0] == PULSE]
    assert Pulse(1, 300) in guess(ctl, PIN, NOW + ctl.keypad_wait_ms(NOW))


def test_a_day_of_guessing_opens_a_door_with_a_chance_under_one_percent():
    """The best of these strategies (9 guesses, then 15 minutes of silence: 765 a day) gets
    under 1000 PINs checked a day; at 1 in GUESS_ODDS each, a locker full of live PINs opens a
    door with a chance under 1 % a day of steady guessing, and the cloud is alarmed at once
    (the next tests)."""
    best = max(guesses_in_a_day(burst) for burst in list(range(3, 16)) + [1000])
    assert best < 1000
    assert best / GUESS_ODDS < 0.01


@pytest.mark.parametrize("minimum", range(4, 13))
def test_at_any_occupancy_one_guess_opens_a_door_with_a_chance_of_at_most_1_in_100000(minimum):
    """Computed over every number of live PINs a locker of up to 999 compartments can hold,
    with a delegate's PIN for each parcel too, and far beyond."""
    for live in list(range(1, 2 * 999 + 1)) + [10**k for k in range(4, 9)]:
        length = pin_length_for(live, minimum)
        assert length >= minimum
        assert live / 10**length <= 1 / GUESS_ODDS, (live, length)


def test_the_boards_signed_report_raises_an_alarm_in_the_cloud(
    engine, session, make_locker, settings, now
):
    _, key = make_locker()
    session.commit()
    session.close()
    ctl = Controller("L1", bytes.fromhex(key), [(1, "S"), (2, "M"), (3, "L")])
    ctl.handle(Connected(), NOW)
    actions = []
    for _ in range(Lockout.free_attempts):
        actions += guess(ctl, "0000", NOW)
    [report] = [a[2] for a in actions if a[0] == PUBLISH and a[1] == "lockers/L1/events"]
    assert handle_event(engine, "L1", report, now, settings) is True  # verified with L1's key
    with type(session)(engine) as fresh:
        [alarm] = fresh.exec(select(Alarm)).all()
        assert (alarm.kind, alarm.locker_id, alarm.acknowledged_at) == ("pin_guessing", "L1", None)
