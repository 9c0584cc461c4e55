"""The simulated board's flash behind the firmware's FlashStore: in memory, or one state file on
the host. Either way a snapshot reaches the final path only through the rename, a write that
dies half way leaves the old state readable, and a restarted store restores what was saved."""

import json

import pytest

from firmware.board.store import FlashStore
from firmware.core.controller import Controller
from firmware.core.events import KeyPressed
from simulator.flash import FLASH_DIR, HostFileFlash, MemoryFlash

LAYOUT = [(1, "S"), (2, "M")]
NOW = 1_700_000_000_000


def controller():
    return Controller("F1", bytes(range(32)), LAYOUT)


def changed_controller():
    ctl = controller()
    ctl.will(NOW)  # a connection number: a change the store writes at once
    ctl.handle(KeyPressed("1"), NOW)
    return ctl


class Unwritable:
    pass


@pytest.fixture(params=["memory", "host file"])
def flash(request, tmp_path):
    if request.param == "memory":
        return MemoryFlash()
    return HostFileFlash(str(tmp_path / "boards" / "B1.json"))


def test_a_blank_flash_loads_nothing_and_a_saved_snapshot_comes_back(flash):
    store = FlashStore(FLASH_DIR, files=flash)
    assert not store.load_into(controller())
    ctl = changed_controller()
    store.save(ctl)
    again = controller()
    assert FlashStore(FLASH_DIR, files=flash).load_into(again)
    assert again.snapshot() == ctl.snapshot()


def test_a_write_that_dies_half_way_leaves_the_old_state(flash):
    store = FlashStore(FLASH_DIR, files=flash)
    ctl = changed_controller()
    store.save(ctl)
    saved = ctl.snapshot()
    snapshot = ctl.snapshot
    ctl.snapshot = lambda: dict(snapshot(), zz=Unwritable())
    with pytest.raises(TypeError):
        store.save(ctl)
    again = controller()
    assert FlashStore(FLASH_DIR, files=flash).load_into(again) and again.snapshot() == saved


def test_the_host_file_is_the_state_file_itself(tmp_path):
    path = tmp_path / "boards" / "B1.json"
    FlashStore(FLASH_DIR, files=HostFileFlash(str(path))).save(changed_controller())
    # the state without the packed credential records, which are written beside it
    assert json.loads(path.read_text()) == changed_controller().snapshot(records=False)
    assert sorted(p.name for p in path.parent.iterdir()) == ["B1.json", "B1.json.records"]


def test_nothing_but_the_state_file_is_on_a_host_flash(tmp_path):
    with pytest.raises(OSError):
        HostFileFlash(str(tmp_path / "B1.json")).open("/flash/other.json", "w")


def test_a_missing_file_on_memory_flash_is_an_os_error():
    with pytest.raises(OSError):
        MemoryFlash().open(FLASH_DIR + "/state.json", "r")
