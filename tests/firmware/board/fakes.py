"""Small real stand-ins for the board runtime's world: a clock a test moves by hand, a watchdog
that counts its feeds, an `os` whose rename can fail like a power cut, a virtual bank built the
way simulator/wasm/harness.py builds it, and the CPython clock and transport for a real broker.
No MagicMock: each is a class with just the methods the firmware calls."""

import asyncio
import os
import time

from firmware.board.wiring import build_hardware
from firmware.drivers.matrix_keypad import KEYS_3X4
from hardware.profiles import esp32_devkitc
from hardware.profiles.logical import EXPANDER_ADDRESSES, EXPANDER_PINS
from simulator.virtual_bank import VirtualBank

LOCKER = "B1"
KEY = bytes(range(32))
COURIER_CODE = "9999999999"  # wire.COURIER_CODE_MIN digits: no PIN is that long


def layout(n):
    return [[number, "M"] for number in range(1, n + 1)]


def board_config(locker=LOCKER, compartments=3, key=KEY):
    return {"locker_id": locker, "key": key.hex(), "compartments": layout(compartments)}


class FakeTicks:
    """ticks_ms() that only moves when the test says so."""

    def __init__(self, start=1000):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, ms):
        self.now += ms


class FakeClock:
    """The Board's clock with hand-moved ticks and a fixed wall time."""

    def __init__(self, wall=1_700_000_000_000):
        self.ticks = FakeTicks()
        self.wall = wall

    def ticks_ms(self):
        return self.ticks()

    def wall_ms(self):
        return self.wall + self.ticks()


class CpythonClock:
    """What main.py's Clock gives on a board, from CPython's clocks: ticks wrap at 2**30."""

    def ticks_ms(self):
        return int(time.monotonic() * 1000) % (1 << 30)

    def wall_ms(self):
        return int(time.time() * 1000)


class FakeWatchdog:
    def __init__(self):
        self.feeds = 0

    def feed(self):
        self.feeds += 1


class FakeSystem:
    def free_heap(self):
        return 81920

    def rssi(self):
        return -61

    def reset_cause(self):
        return "power-on"


class FlakyOs:
    """The two things FlashStore asks of `os`, with renames that fail like a power cut between
    writing the temporary file and replacing the old one."""

    def __init__(self, failing_renames=1):
        self.failing_renames = failing_renames
        self.renames = 0

    def rename(self, source, target):
        if self.failing_renames:
            self.failing_renames -= 1
            raise OSError(5, "power lost before the rename")
        self.renames += 1
        os.rename(source, target)


def bank_and_hardware(profile=esp32_devkitc, config=None, ticks=None):
    """A VirtualBank and the Hardware wiring.py builds on it, as harness.py assembles them."""
    config = config if config is not None else board_config(compartments=24)
    ticks = ticks if ticks is not None else FakeTicks()
    bank = VirtualBank(profile, EXPANDER_PINS, EXPANDER_ADDRESSES, KEYS_3X4, 3, ticks)
    return bank, build_hardware(profile, config, bank)


def energised_locks(bank, numbers=range(1, 25)):
    return [n for n in numbers if bank.lock_energised(n)]


def any_expander_output_high(bank):
    return [
        (address, pin)
        for address, chip in bank.chips.items()
        for pin in range(16)
        if chip.output(pin)
    ]


def run(coroutine, timeout=20):
    """A test coroutine on a fresh event loop, bounded: a hang fails instead of sticking."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


async def eventually(condition, timeout=5, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("%s not met within %s s" % (what, timeout))
        await asyncio.sleep(0.01)
