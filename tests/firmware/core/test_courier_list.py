"""Courier codes are the day's: a list carries `until`, and the board refuses its codes after it."""

from firmware.core.actions import Show
from firmware.core.controller import Controller
from firmware.core.credentials import Credentials
from firmware.core.keypad import COURIER_PROMPT
from protocol import verifiers
from tests.firmware.core.builders import COURIER_CODE, KEY, NOW, Cloud, controller, type_keys

V = verifiers.courier_verifier(KEY, COURIER_CODE)
MIDNIGHT = NOW + 3_600_000


def courier_list(cloud, until=MIDNIGHT, codes=(COURIER_CODE,)):
    return cloud.command(
        "couriers", v=[verifiers.courier_verifier(KEY, c) for c in codes], until=until
    )


def test_a_courier_code_opens_a_session_before_until():
    ctl, cloud = controller(), Cloud()
    ctl.handle(courier_list(cloud), NOW)
    assert Show(COURIER_PROMPT) in type_keys(ctl, COURIER_CODE + "#", MIDNIGHT - 1)
    assert ctl.courier_session_active()


def test_from_until_on_the_code_is_refused_like_any_wrong_code():
    ctl, cloud = controller(), Cloud()
    ctl.handle(courier_list(cloud), NOW)
    actions = type_keys(ctl, COURIER_CODE + "#", MIDNIGHT)
    assert Show(COURIER_PROMPT) not in actions and not ctl.courier_session_active()


def test_a_newer_list_replaces_the_old_one_and_its_until():
    ctl, cloud = controller(), Cloud()
    ctl.handle(courier_list(cloud), NOW)
    ctl.handle(courier_list(cloud, until=MIDNIGHT + 86_400_000, codes=("1234567890",)), NOW)
    assert Show(COURIER_PROMPT) in type_keys(ctl, "1234567890#", MIDNIGHT + 1)
    assert ctl.courier_count() == 1


def test_a_list_without_until_from_an_older_cloud_never_runs_out():
    store = Credentials()
    store.set_couriers([V])
    assert store.is_courier(V, NOW + 10**12) and store.is_courier(V)


def test_a_list_with_until_needs_a_time_to_be_checked_against():
    store = Credentials()
    store.set_couriers([V], MIDNIGHT)
    assert not store.is_courier(V) and store.is_courier(V, NOW)


def test_the_snapshot_keeps_until_and_an_older_snapshot_without_it_still_restores():
    ctl, cloud = controller(), Cloud()
    ctl.handle(courier_list(cloud), NOW)
    snapshot = ctl.snapshot()
    restored = Controller("L1", KEY, [(1, "S"), (2, "M"), (3, "L")])
    restored.restore(snapshot)
    assert not restored.courier_session_active()
    assert Show(COURIER_PROMPT) not in type_keys(restored, COURIER_CODE + "#", MIDNIGHT)
    older = dict(
        snapshot,
        credentials={k: v for k, v in snapshot["credentials"].items() if k != "couriers_until"},
    )
    again = Controller("L1", KEY, [(1, "S"), (2, "M"), (3, "L")])
    again.restore(older)
    assert Show(COURIER_PROMPT) in type_keys(again, COURIER_CODE + "#", MIDNIGHT)


def test_a_malformed_until_refuses_the_whole_command():
    ctl, cloud = controller(), Cloud()
    assert ctl.handle(courier_list(cloud, until="tomorrow"), NOW) == []
    assert ctl.courier_count() == 0 and ctl.last_counter == 0
