"""Commands refused for their counter or expiry are reported (`refused`), once per counter and
at most Refusals.per_minute a minute; forged or malformed ones stay silent."""

from firmware.core.refusals import Refusals
from tests.firmware.core.builders import KEY, LOCKER, NOW, OTHER_KEY, controller, message


def body(ctr, exp=NOW + 60_000):
    return {"lkr": LOCKER, "ctr": ctr, "exp": exp, "type": "revoke", "parcel": "777"}


def refused(ctl):
    return [(b["ctr"], b["reason"]) for b in ctl.pending_events() if b["type"] == "refused"]


def accepted_up_to(ctr):
    ctl = controller()
    ctl.handle(message(KEY, body(ctr)), NOW)
    return ctl


def test_a_replayed_counter_is_reported_once():
    ctl = accepted_up_to(10)
    for _ in range(5):
        ctl.handle(message(KEY, body(10)), NOW)
    assert refused(ctl) == [(10, "replayed")]


def test_an_expired_command_is_reported_and_never_carried_out_late():
    ctl = accepted_up_to(10)
    ctl.handle(message(KEY, body(11, exp=NOW - 1)), NOW)
    assert refused(ctl) == [(11, "expired")] and ctl.last_counter == 10


def test_a_replay_flood_is_rate_limited():
    ctl = accepted_up_to(100)
    for ctr in range(1, 60):
        ctl.handle(message(KEY, body(ctr)), NOW)
    assert len(refused(ctl)) == Refusals.per_minute
    ctl.handle(message(KEY, body(99)), NOW + 60_000)  # a minute later: room for more
    assert len(refused(ctl)) == Refusals.per_minute + 1


def test_forged_or_foreign_commands_are_not_reported():
    ctl = accepted_up_to(10)
    ctl.handle(message(OTHER_KEY, body(5)), NOW)
    other = body(5)
    other["lkr"] = "L2"
    ctl.handle(message(KEY, other), NOW)
    assert refused(ctl) == []
