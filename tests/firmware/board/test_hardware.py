"""wiring.build_hardware and Hardware on a VirtualBank, for every board profile: the right
parts, every lock off from the start, a Pulse energises exactly its lock and poll() ends it, and
keys, doors and scans come back as core events."""

import pytest

from firmware.board.wiring import build_hardware
from firmware.core.actions import Pulse
from firmware.core.events import CodeScanned, DoorClosed, DoorOpened, KeyPressed
from firmware.drivers.door_bank import DoorBank
from firmware.drivers.lock_bank import LockBank
from firmware.drivers.matrix_keypad import MatrixKeypad
from hardware.profiles import esp32_devkitc, pico_w
from hardware.profiles.logical import EXPANDER_PINS
from tests.firmware.board.fakes import (
    FakeTicks,
    any_expander_output_high,
    bank_and_hardware,
    board_config,
    energised_locks,
)

PROFILES = [esp32_devkitc, pico_w]
IODIR, OLAT = 0x00, 0x14


@pytest.fixture(params=PROFILES, ids=lambda p: p.__name__.split(".")[-1])
def bank(request):
    """(ticks, bank, hardware) for a 24-compartment bank wired to this profile."""
    ticks = FakeTicks()
    bank, hardware = bank_and_hardware(request.param, ticks=ticks)
    return ticks, bank, hardware


def poll_for(hardware, ticks, ms, step=5):
    """Every event polled while `ms` pass, `step` ms apart, as the I/O loop would."""
    events = []
    for _ in range(ms // step):
        ticks.advance(step)
        events += hardware.poll(ticks())
    return events


def test_a_24_compartment_layout_gets_24_locks_and_24_doors(bank):
    _, _, hardware = bank
    assert isinstance(hardware.locks, LockBank) and isinstance(hardware.doors, DoorBank)
    assert list(hardware.locks.numbers) == list(range(1, 25)) == list(hardware.doors.numbers)
    assert isinstance(hardware.keypad, MatrixKeypad) and hardware.scanner is not None
    assert len(hardware.expanders) == 3


def test_no_lock_is_energised_at_build(bank):
    _, bank, hardware = bank
    assert any_expander_output_high(bank) == [] and bank.pulses == []
    assert not any(hardware.locks.energised(n) for n in hardware.locks.numbers)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.__name__.split(".")[-1])
@pytest.mark.parametrize("compartments", [1, 3, 12, 24])
def test_every_lock_pin_of_the_bank_is_a_low_output_whatever_the_layout(profile, compartments):
    # GPA7 and GPB7 may not be inputs (MCP23017 rev. D), and a lock's MOSFET gate must never
    # float: the lock pins of compartments the layout leaves out are driven low too.
    bank, hardware = bank_and_hardware(profile, board_config(compartments=compartments))
    assert sorted(hardware.locks.numbers) == list(range(1, compartments + 1))
    for name, (address, pin) in EXPANDER_PINS.items():
        registers = bank.chips[address].registers
        direction = (registers[IODIR] | registers[IODIR + 1] << 8) >> pin & 1
        latch = (registers[OLAT] | registers[OLAT + 1] << 8) >> pin & 1
        if name.startswith("lock_"):
            assert (direction, latch) == (0, 0), name
    assert any_expander_output_high(bank) == []


@pytest.mark.parametrize("cmp", [1, 4, 8, 9, 16, 17, 24])
def test_a_pulse_energises_exactly_its_lock_until_poll_ends_it(bank, cmp):
    ticks, bank, hardware = bank
    hardware.carry_out(Pulse(cmp, 300), ticks())

    assert energised_locks(bank) == [cmp]
    address, pin = EXPANDER_PINS["lock_%d" % cmp]
    assert any_expander_output_high(bank) == [(address, pin)]
    assert [number for number, _ in bank.pulses] == [cmp]

    poll_for(hardware, ticks, 295)
    assert energised_locks(bank) == [cmp]
    poll_for(hardware, ticks, 10)
    assert energised_locks(bank) == [] and any_expander_output_high(bank) == []


def test_a_pulse_longer_than_the_coil_rating_is_cut_short(bank):
    ticks, bank, hardware = bank
    hardware.carry_out(Pulse(5, 60000), ticks())
    poll_for(hardware, ticks, LockBank.max_pulse_ms + 10)
    assert energised_locks(bank) == []


def test_a_pulse_for_a_compartment_the_bank_lacks_drives_nothing(bank):
    ticks, bank, hardware = bank
    hardware.carry_out(Pulse(25, 300), ticks())
    assert any_expander_output_high(bank) == []


def test_all_off_releases_every_energised_lock(bank):
    ticks, bank, hardware = bank
    for cmp in (2, 11, 23):
        hardware.carry_out(Pulse(cmp, 1000), ticks())
    assert energised_locks(bank) == [2, 11, 23]

    hardware.all_off()

    assert any_expander_output_high(bank) == []


def press(bank, hardware, ticks, key, hold_ms=60):
    bank.keypad.pressed = key
    events = poll_for(hardware, ticks, hold_ms)
    bank.keypad.pressed = None
    return events + poll_for(hardware, ticks, hold_ms)


def test_keys_pressed_on_the_keypad_become_key_presses_after_debounce(bank):
    ticks, bank, hardware = bank
    events = []
    for key in "1234*0#":
        events += press(bank, hardware, ticks, key)
    assert events == [KeyPressed(k) for k in "1234*0#"]


def test_a_touch_shorter_than_the_debounce_is_no_key(bank):
    ticks, bank, hardware = bank
    assert press(bank, hardware, ticks, "5", hold_ms=MatrixKeypad.debounce_ms - 10) == []


@pytest.mark.parametrize("cmp", [1, 12, 24])
def test_opening_and_closing_a_door_are_door_events(bank, cmp):
    ticks, bank, hardware = bank
    bank.set_door(cmp, True)
    assert poll_for(hardware, ticks, 100) == [DoorOpened(cmp)]
    bank.set_door(cmp, False)
    assert poll_for(hardware, ticks, 100) == [DoorClosed(cmp)]


def test_a_door_that_bounces_shut_again_is_no_event(bank):
    ticks, bank, hardware = bank
    bank.set_door(7, True)
    poll_for(hardware, ticks, 20)
    bank.set_door(7, False)
    assert poll_for(hardware, ticks, 200) == []


def test_a_scanned_code_is_a_code_scanned_event(bank):
    ticks, bank, hardware = bank
    bank.scan("JJD0001")
    bank.scan("PKG-2")
    assert poll_for(hardware, ticks, 5) == [CodeScanned("JJD0001"), CodeScanned("PKG-2")]


def test_scanner_garbage_is_no_event(bank):
    ticks, bank, hardware = bank
    bank.scanner.feed(b"\x00\xffjunk\r\n")
    assert poll_for(hardware, ticks, 5) == []


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.__name__.split(".")[-1])
def test_a_layout_beyond_24_compartments_is_refused_clearly(profile):
    with pytest.raises(ValueError, match="lock_25.*1-24"):
        bank_and_hardware(profile, board_config(compartments=25))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.__name__.split(".")[-1])
def test_a_refused_layout_leaves_every_lock_off(profile):
    ticks = FakeTicks()
    bank, _ = bank_and_hardware(profile, board_config(compartments=24), ticks)
    with pytest.raises(ValueError):
        build_hardware(profile, board_config(compartments=30), bank)
    assert any_expander_output_high(bank) == []


class SilentChip:
    """An expander that stopped answering (a loose cable, a latched-up chip): writes fail."""

    def __init__(self, chip):
        self.chip = chip

    def write(self, data):
        raise OSError(19, "no acknowledge")

    def read(self, register, n):
        return self.chip.read(register, n)

    def output(self, pin):
        return self.chip.output(pin)


def test_all_off_reaches_every_other_chip_when_one_stops_answering(bank):
    ticks, bank, hardware = bank
    for cmp in (2, 11, 23):
        hardware.carry_out(Pulse(cmp, 1000), ticks())
    bank.chips[0x20] = SilentChip(bank.chips[0x20])

    hardware.all_off()

    assert energised_locks(bank) == [2]  # what software can still switch off, it did
