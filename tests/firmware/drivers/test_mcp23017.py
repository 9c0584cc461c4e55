"""The I/O expander: safe outputs at init, cached latch writes, batched input reads."""

import pytest

from firmware.drivers.door_bank import OPENED, DoorBank
from firmware.drivers.lock_bank import LockBank
from firmware.drivers.mcp23017 import Mcp23017
from tests.firmware.drivers.fakes import FakeI2c, FakeMcp23017

IODIR, IOCON, GPPU, GPIO, OLAT = 0x00, 0x0A, 0x0C, 0x12, 0x14


def expander(address=0x20, chip=None):
    i2c = FakeI2c()
    chip = i2c.attach(address, chip or FakeMcp23017())
    return Mcp23017(i2c, address), chip, i2c


def test_init_latches_low_before_anything_else_then_reads_the_inputs():
    mcp, chip, i2c = expander()
    assert i2c.transactions == [
        ("write", 0x20, bytes((OLAT, 0, 0))),
        ("write", 0x20, bytes((IOCON, 0x04))),  # interrupt lines open-drain, BANK stays 0
        ("write", 0x20, bytes((GPPU, 0, 0))),
        ("write", 0x20, bytes((IODIR, 0xFF, 0xFF))),
        ("read", 0x20, bytes((GPIO, 2))),
    ]


def test_an_output_pin_starts_low_and_writes_only_its_port():
    mcp, chip, i2c = expander()
    lock = mcp.pin(4, output=True)
    assert chip.is_output(4) and chip.level(4) == 0 and lock.value() == 0
    del i2c.transactions[:]
    lock.value(1)
    assert i2c.transactions == [("write", 0x20, bytes((OLAT, 0x10)))]
    assert chip.level(4) == 1 and lock.value() == 1
    high = mcp.pin(12, output=True)
    del i2c.transactions[:]
    high.value(1)
    assert i2c.transactions == [("write", 0x20, bytes((OLAT + 1, 0x10)))]


def test_writing_a_pin_keeps_the_others_from_the_cached_latch_without_reading():
    mcp, chip, i2c = expander()
    pins = [mcp.pin(n, output=True) for n in (4, 5, 6, 7)]
    del i2c.transactions[:]
    pins[0].value(1)
    pins[3].value(1)
    pins[0].value(0)
    assert [kind for kind, _, _ in i2c.transactions] == ["write"] * 3
    assert [chip.level(n) for n in (4, 5, 6, 7)] == [0, 0, 0, 1]


def test_writing_the_level_a_pin_already_has_is_no_traffic():
    mcp, chip, i2c = expander()
    pin = mcp.pin(5, output=True)
    del i2c.transactions[:]
    pin.value(0)
    assert i2c.transactions == []


def test_an_input_pin_is_pulled_up_and_reads_the_last_refresh():
    mcp, chip, i2c = expander()
    door = mcp.pin(3, output=False)
    assert chip.word(GPPU) == 0x0008 and not chip.is_output(3)
    mcp.refresh()
    assert door.value() == 1  # reed open: the pull-up wins
    chip.external[3] = 0  # reed closed to ground
    assert door.value() == 1  # not seen until the next refresh
    reads_before = len(i2c.transactions)
    mcp.refresh()
    assert door.value() == 0
    assert i2c.transactions[reads_before:] == [("read", 0x20, bytes((GPIO, 2)))]


def test_a_new_input_pin_reads_its_true_level_at_once():
    mcp, chip, _ = expander()
    assert mcp.pin(2, output=False).value() == 1  # pulled up before it was read
    chip.external[3] = 0
    assert mcp.pin(3, output=False).value() == 0


def test_one_refresh_serves_every_input_of_both_ports():
    mcp, chip, i2c = expander()
    doors = [mcp.pin(n, output=False) for n in (0, 1, 2, 3, 8, 9, 10, 11)]
    for n in (1, 10):
        chip.external[n] = 0
    del i2c.transactions[:]
    mcp.refresh()
    assert [door.value() for door in doors] == [1, 0, 1, 1, 1, 1, 0, 1]
    assert len(i2c.transactions) == 1


def test_gpa7_and_gpb7_are_refused_as_inputs_and_bad_numbers_too():
    mcp, _, _ = expander()
    for n in (7, 15):
        with pytest.raises(ValueError):
            mcp.pin(n, output=False)
        mcp.pin(n, output=True)
    for n in (-1, 16):
        with pytest.raises(ValueError):
            mcp.pin(n, output=True)


def test_a_restart_turns_off_outputs_the_chip_kept_energised():
    mcp, chip, i2c = expander()
    mcp.pin(6, output=True).value(1)
    assert chip.level(6) == 1
    _, chip, _ = expander(chip=chip)  # the MCU rebooted; the expander did not
    assert chip.level(6) == 0


def test_lock_and_door_drivers_work_unchanged_on_expander_pins():
    mcp, chip, _ = expander()
    locks = LockBank([1], [mcp.pin(4, output=True)])
    chip.external[0] = 0  # reed closed to ground; open, the pull-up wins
    doors = DoorBank([1], [mcp.pin(0, output=False)])
    assert not doors.is_open(1)
    locks.pulse(1, 300, now_ms=0)
    assert chip.level(4) == 1
    chip.external[0] = 1  # the latch releases, the door springs open
    events = []
    for t in range(10, 400, 10):
        mcp.refresh()
        locks.poll(t)
        events += doors.poll(t)
    assert chip.level(4) == 0
    assert events == [(1, OPENED)]


def test_three_chips_share_one_bus_by_address():
    i2c = FakeI2c()
    chips = {a: i2c.attach(a, FakeMcp23017()) for a in (0x20, 0x21, 0x22)}
    expanders = {a: Mcp23017(i2c, a) for a in chips}
    expanders[0x21].pin(4, output=True).value(1)
    assert [chips[a].level(4) for a in (0x20, 0x21, 0x22)] == [0, 1, 0]
