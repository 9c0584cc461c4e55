"""Which files an install writes, skips and removes: pure, from two lists of sha256."""

import os

from fleet.install.plan import (
    SKIP,
    STATE,
    WRITE,
    flash_shortfall,
    plan_install,
    state_to_forget,
)

BUNDLE = {
    "main.py": "a",
    "boot.py": "b",
    "firmware/core/controller.mpy": "c",
    "protocol/wire.mpy": "d",
    "config.json": "e",
    "tls/client.der": "f",
    "tls/ca.der": "g",
}


def test_a_fresh_board_gets_everything_code_first_config_last():
    plan = plan_install(BUNDLE, {})
    assert [p for p, a in plan.code] == [
        "boot.py",
        "firmware/core/controller.mpy",
        "main.py",
        "protocol/wire.mpy",
    ]
    assert plan.last == [("tls/ca.der", WRITE), ("tls/client.der", WRITE), ("config.json", WRITE)]
    assert plan.stale == [] and plan.rom is None and not plan.changes_nothing


def test_files_already_right_are_skipped():
    plan = plan_install(BUNDLE, dict(BUNDLE, **{"protocol/wire.mpy": "old"}))
    assert plan.to_write(plan.code) == ["protocol/wire.mpy"]
    assert plan.to_write(plan.last) == []
    assert ("main.py", SKIP) in plan.code


def test_a_second_run_changes_nothing():
    assert plan_install(BUNDLE, dict(BUNDLE)).changes_nothing


def test_modules_and_secrets_of_an_older_bundle_go_the_boards_data_stays():
    board = dict(BUNDLE, **{"firmware/old.mpy": "x", "tls/old.pem": "y", "state.json": "z"})
    plan = plan_install(BUNDLE, board)
    assert plan.stale == ["firmware/old.mpy", "tls/old.pem"]


def test_with_romfs_the_modules_go_in_the_image_and_their_files_go():
    in_rom = ["firmware/core/controller.mpy", "protocol/wire.mpy"]
    plan = plan_install(BUNDLE, dict(BUNDLE), in_rom=in_rom, rom_image="i", board_rom="old")
    assert plan.rom == WRITE
    assert [p for p, a in plan.code] == ["boot.py", "main.py"]
    assert plan.stale == in_rom
    again = plan_install(
        BUNDLE, {"main.py": "a", "boot.py": "b"}, in_rom=in_rom, rom_image="i", board_rom="i"
    )
    assert again.rom == SKIP and not again.stale


def test_the_boards_state_goes_only_when_its_identity_changes():
    files = ["main.py", "state.json", "config.json"]
    held = {"locker_id": "L1", "key": "aa"}
    assert state_to_forget(files, held, {"locker_id": "L1", "key": "aa"}) == []
    assert state_to_forget(files, held, {"locker_id": "L1", "key": "bb"}) == ["state.json"]
    assert state_to_forget(files, held, {"locker_id": "L2", "key": "aa"}) == ["state.json"]
    assert state_to_forget(["main.py"], None, {"locker_id": "L1", "key": "aa"}) == []


def test_the_flash_must_hold_what_is_written_less_what_it_replaces():
    new = {p: 1000 for p in BUNDLE}
    fresh = plan_install(BUNDLE, {})
    assert flash_shortfall(fresh, new, {}, 8000) == 0  # 7 files + one temporary copy
    assert flash_shortfall(fresh, new, {}, 7500) == 500
    old = {"firmware/old.mpy": 3000}
    upgrade = plan_install(BUNDLE, {"firmware/old.mpy": "x"})
    assert flash_shortfall(upgrade, new, old, 5000) == 0  # the old module's room comes back
    assert flash_shortfall(fresh, new, {}, None) == 0  # a port that does not say: try


def test_the_state_forgotten_is_every_file_the_flash_store_writes(tmp_path):
    from firmware.board.store import FlashStore

    store = FlashStore(str(tmp_path))
    written = [store.path, store.records_path]
    written += [store._temporary(path) for path in written]
    assert sorted(os.path.relpath(path, tmp_path) for path in written) == sorted(STATE)
