"""Keypad brute force (protocol.md, "Wrong PINs"): after Lockout.free_attempts wrong pickup
attempts the keypad refuses every attempt, unchecked, for a window that doubles up to 5 min;
the cloud is told by a rate-limited `pin_guessing` event, and a reset does not clear the count."""

import json

from firmware.core.actions import PUBLISH, Beep, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import CodeScanned, Connected
from firmware.core.lockout import Lockout
from protocol.qr_tokens import qr_token
from protocol.verifiers import pin_verifier
from tests.firmware.core.builders import (
    COURIER_CODE,
    EVENTS,
    KEY,
    LAYOUT,
    LOCKER,
    NOW,
    PIN,
    Cloud,
    controller,
    couriers,
    event_bodies,
    pin_credential,
    run,
    type_keys,
    with_deposits,
)

WRONG = [Show("Wrong code"), Beep("error")]
S = 1000


def board(online=True):
    """A board with parcel PKG-1 inside door 1 and its PIN live."""
    ctl, cloud = with_deposits(["PKG-1"])
    type_keys(ctl, "*")  # the courier leaves
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    return ctl


def submit(ctl, typed, now=NOW):
    """The actions of the '#' that submits `typed`."""
    type_keys(ctl, typed, now)
    return type_keys(ctl, "#", now)


def wrong(ctl, now, pin="0000"):
    return submit(ctl, pin, now)


def waiting(seconds):
    return [Show("Too many attempts - wait %d s" % seconds), Beep("error")]


def guessing(ctl):
    return [b["failures"] for b in ctl.pending_events() if b["type"] == "pin_guessing"]


def locked_out(ctl, now=NOW):
    for i in range(Lockout.free_attempts):
        wrong(ctl, now)
    return ctl


def test_the_first_wrong_pins_are_free_then_the_keypad_waits():
    ctl = board()
    for _ in range(Lockout.free_attempts):
        assert wrong(ctl, NOW)[:2] == WRONG
    assert wrong(ctl, NOW) == waiting(2)
    assert wrong(ctl, NOW + 1500) == waiting(1)  # rounded up: never "wait 0 s"
    assert ctl.keypad_wait_ms(NOW + 1500) == 500 and ctl.keypad_wait_ms(NOW + 2 * S) == 0


def test_a_refused_attempt_is_not_checked_and_not_counted():
    ctl = locked_out(board())
    assert submit(ctl, PIN, NOW + 1 * S) == waiting(1)  # the right PIN: refused too
    assert ctl.has_credential_for("PKG-1") and ctl.compartment(1).state == "occupied"
    assert ctl.snapshot()["lockout"][0] == Lockout.free_attempts  # no window grown by waiting
    assert Pulse(1, 300) in submit(ctl, PIN, NOW + 2 * S)  # after the window: opens


def test_the_window_doubles_with_each_failure_up_to_five_minutes():
    ctl = locked_out(board())
    now, windows = NOW, []
    for _ in range(12):
        windows.append(ctl.keypad_wait_ms(now))
        now += windows[-1]
        wrong(ctl, now)
    assert windows == [
        2 * S,
        4 * S,
        8 * S,
        16 * S,
        32 * S,
        64 * S,
        128 * S,
        256 * S,
        300 * S,
        300 * S,
        300 * S,
        300 * S,
    ]


def test_a_pickup_after_the_window_resets_the_count():
    ctl = locked_out(board())
    assert Pulse(1, 300) in submit(ctl, PIN, NOW + 2 * S)
    assert ctl.keypad_wait_ms(NOW + 2 * S) == 0
    assert wrong(ctl, NOW + 3 * S)[:2] == WRONG and wrong(ctl, NOW + 3 * S)[:2] == WRONG


def test_the_count_is_forgotten_after_fifteen_minutes_without_a_failure():
    ctl = board()
    wrong(ctl, NOW)
    wrong(ctl, NOW)
    later = NOW + Lockout.forget_ms
    assert wrong(ctl, later)[:2] == WRONG and ctl.keypad_wait_ms(later) == 0  # 1 failure, not 3


def test_a_wrong_scanned_code_or_qr_counts_and_the_scanner_waits_too():
    ctl = board()
    ctl.handle(CodeScanned("0000"), NOW)  # a PIN on a card
    v = pin_verifier(KEY, PIN)
    ctl.handle(CodeScanned(qr_token(bytes(32), v, 1, "PKG-1", NOW // 1000 + 60)), NOW)  # forged
    wrong(ctl, NOW)
    good_qr = qr_token(KEY, v, 1, "PKG-1", NOW // 1000 + 60)
    assert ctl.handle(CodeScanned(good_qr), NOW) == waiting(2)
    assert Pulse(1, 300) in ctl.handle(CodeScanned(good_qr), NOW + 2 * S)


def test_unreadable_scans_are_not_attempts():
    ctl = board()
    for _ in range(5):
        ctl.handle(CodeScanned("x" * 40), NOW)
    assert ctl.keypad_wait_ms(NOW) == 0


def test_a_couriers_parcel_code_typos_do_not_count_but_a_courier_code_waits_too():
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE), cloud.command("reserve", parcel="777", cmp=2)])
    type_keys(ctl, COURIER_CODE + "#")
    for _ in range(5):
        assert submit(ctl, "123")[:1] == [Show("Unknown parcel - locker offline")]
    assert ctl.keypad_wait_ms(NOW) == 0
    type_keys(ctl, "*")  # session ended
    locked_out(ctl)
    assert submit(ctl, COURIER_CODE) == waiting(2)  # guessable too: not checked
    assert not ctl.courier_session_active()


def test_the_cloud_is_told_when_a_lockout_starts_and_at_most_every_ten_minutes_after():
    ctl = locked_out(board())
    publishes = [a for a in wrong(ctl, NOW + 2 * S) if a[0] == PUBLISH]
    assert guessing(ctl) == [3] and publishes == []  # 4th failure: too soon to report again
    now = NOW + 2 * S
    while now < NOW + Lockout.report_ms + 310 * S:
        now += ctl.keypad_wait_ms(now)
        wrong(ctl, now)
    assert len(guessing(ctl)) == 2 and guessing(ctl)[1] > 3


def test_the_report_is_a_well_formed_signed_event():
    ctl = board()
    ctl.handle(Connected(), NOW)
    wrong(ctl, NOW)
    wrong(ctl, NOW)
    actions = wrong(ctl, NOW)
    assert [(b["type"], b["failures"]) for b in event_bodies(actions)] == [("pin_guessing", 3)]
    assert all(a[1] == EVENTS for a in actions if a[0] == PUBLISH)


def test_a_guesser_never_fills_more_than_half_the_journal():
    ctl = controller()  # offline: nothing is ever acknowledged
    now = NOW
    for _ in range(400):
        now += Lockout.report_ms  # each failure as late as the rate limit allows a report
        wrong(ctl, now)
    assert len(ctl.pending_events()) == 128  # half of JOURNAL_CAPACITY


def test_a_reset_does_not_clear_the_count():
    ctl = locked_out(board())
    assert ctl.durable_revision() != board().durable_revision()  # on flash before "Wrong code"
    fresh = board()
    fresh.restore(json.loads(json.dumps(ctl.snapshot())))
    assert fresh.snapshot()["v"] == 4
    assert submit(fresh, PIN, NOW + 1 * S) == waiting(1)
    assert Pulse(1, 300) in submit(fresh, PIN, NOW + 2 * S)


def test_a_version_3_snapshot_restores_with_no_failures_counted():
    ctl = board()
    data = json.loads(json.dumps(ctl.snapshot()))
    data["v"] = 3
    del data["lockout"]
    fresh = controller()
    fresh.restore(data)
    assert fresh.keypad_wait_ms(NOW) == 0 and fresh.has_credential_for("PKG-1")


def test_a_clock_set_back_after_a_reset_never_makes_the_wait_longer_than_the_window():
    ctl = locked_out(board())
    earlier = NOW - 86_400_000  # the board's clock before it was set again
    assert ctl.keypad_wait_ms(earlier) == 2 * S
    assert ctl.keypad_wait_ms(earlier + 2 * S) == 0


# wrong courier codes: an entry of a courier code's length (wire.COURIER_CODE_MIN) or more

WRONG_COURIER = "1234567890"


def courier_guessing(ctl):
    return [b["failures"] for b in ctl.pending_events() if b["type"] == "courier_guessing"]


def with_courier():
    ctl = board()
    ctl.handle(couriers(Cloud(), COURIER_CODE), NOW)
    return ctl


def test_wrong_courier_codes_are_backed_off_like_pins_and_reported_apart():
    ctl = with_courier()
    for _ in range(Lockout.free_attempts):
        assert wrong(ctl, NOW, WRONG_COURIER)[:2] == WRONG
    assert courier_guessing(ctl) == [3] and guessing(ctl) == []
    assert submit(ctl, COURIER_CODE, NOW) == waiting(2)  # the right one: not even checked
    assert submit(ctl, PIN, NOW) == waiting(2)  # one back-off for the whole keypad
    assert Show("Courier: parcel code?") in submit(ctl, COURIER_CODE, NOW + 2 * S)


def test_courier_and_pin_guesses_share_the_back_off_but_each_kind_raises_its_own_report():
    ctl = with_courier()
    wrong(ctl, NOW)
    wrong(ctl, NOW, WRONG_COURIER)
    wrong(ctl, NOW)  # the third failure: the keypad waits, and it was a PIN
    assert ctl.keypad_wait_ms(NOW) == 2 * S and guessing(ctl) == [3] and courier_guessing(ctl) == []
    now = NOW
    for _ in range(2):
        now += ctl.keypad_wait_ms(now)
        wrong(ctl, now, WRONG_COURIER)
    assert courier_guessing(ctl) == [3] and guessing(ctl) == [3]


def test_courier_reports_come_at_most_every_ten_minutes_and_never_fill_half_the_journal():
    ctl = controller()  # offline: nothing is ever acknowledged
    now = NOW
    for _ in range(40):  # each as soon as the keypad lets it: over 2 h of guessing
        now += ctl.keypad_wait_ms(now)
        wrong(ctl, now, WRONG_COURIER)
    reports = [b["t"] for b in ctl.pending_events() if b["type"] == "courier_guessing"]
    assert len(reports) > 1 and all(
        b - a >= Lockout.report_ms for a, b in zip(reports, reports[1:])
    )
    for _ in range(400):
        now += Lockout.report_ms
        wrong(ctl, now, WRONG_COURIER)
        wrong(ctl, now)
    assert len(ctl.pending_events()) == 128  # half of JOURNAL_CAPACITY, both kinds together


def test_a_code_shorter_than_a_courier_code_never_opens_a_courier_session():
    """Even if a list carried one (a cloud from before drawn codes): so every entry that can
    open a courier session is counted as a courier guess when wrong."""
    ctl = board()
    ctl.handle(couriers(Cloud(), "4712"), NOW)
    assert submit(ctl, "4712")[:2] == WRONG and not ctl.courier_session_active()
    assert courier_guessing(ctl) == [] and ctl.snapshot()["lockout"][3] == 0


def test_a_reset_keeps_the_courier_count_and_its_report_time():
    ctl = with_courier()
    for _ in range(Lockout.free_attempts):
        wrong(ctl, NOW, WRONG_COURIER)
    fresh = with_courier()
    fresh.restore(json.loads(json.dumps(ctl.snapshot())))
    assert fresh.snapshot()["lockout"] == ctl.snapshot()["lockout"]
    wrong(fresh, NOW + 2 * S, WRONG_COURIER)  # the 4th: counted on, too soon for a 2nd report
    assert courier_guessing(fresh) == [3] and fresh.snapshot()["lockout"][3] == 4


def test_a_lockout_from_before_courier_codes_were_counted_apart_restores_with_none():
    ctl = locked_out(with_courier())
    data = json.loads(json.dumps(ctl.snapshot()))
    data["lockout"] = data["lockout"][:3]
    fresh = with_courier()
    fresh.restore(data)
    assert fresh.snapshot()["lockout"][3:] == [0, None] and fresh.keypad_wait_ms(NOW) == 2 * S
