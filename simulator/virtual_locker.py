"""A virtual locker bank: the firmware's own board runtime (Board, its MQTT client, FlashStore)
on a virtual bank of pins and chips (virtual_bank.py), as asyncio tasks in the process's board
loop. What a courier, a recipient or a test does to it (keys, doors, scanner) goes through the
firmware's drivers, and each call returns once the board has taken it."""

import asyncio
import threading
import time

from firmware.board.runtime import Board
from firmware.board.store import FlashStore
from firmware.board.wiring import build_hardware
from firmware.core.actions import BEEP
from firmware.core.doors import Doors
from firmware.core.events import KEY_PRESSED
from firmware.drivers.matrix_keypad import KEYS_3X4, MatrixKeypad
from firmware.drivers.ticks import ticks_diff
from hardware.profiles import esp32_devkitc
from hardware.profiles.logical import EXPANDER_ADDRESSES, EXPANDER_PINS
from protocol.broker_url import broker_address
from simulator.board_loop import shared_loop
from simulator.flash import FLASH_DIR, HostFileFlash, MemoryFlash
from simulator.hardware import CountingWatchdog, HostClock, HostSystem, VirtualPanel
from simulator.virtual_bank import VirtualBank

ACT_TIMEOUT_S = 10  # a key, door or scan the board has not taken by then: it is not running


def wall_clock_ms():
    return int(time.time() * 1000)


class WatchedBoard(Board):
    """The firmware's Board, telling the threads that wait on it after every event."""

    def __init__(self, changed, panel, *args, **kwargs):
        self.changed, self.panel = changed, panel
        self.keys_taken = 0
        Board.__init__(self, *args, **kwargs)

    def handle(self, event):
        with self.changed:
            actions = Board.handle(self, event)
            if event[0] == KEY_PRESSED:
                self.keys_taken += 1
            for action in actions:
                if action[0] == BEEP:
                    self.panel.beep(action[1])  # the buzzer driver plays it; this keeps a record
            self.changed.notify_all()
        return actions


class VirtualLocker:
    """What a courier, a recipient or a test touches: keypad, doors, scanner, display."""

    pull_grace_ms = 3000  # a person needs a moment to reach the door after the click

    def __init__(
        self,
        locker_id,
        key,
        compartments,
        broker_url,
        clock=wall_clock_ms,
        echo=None,
        state_file=None,
    ):
        self.locker_id = locker_id
        # None: a subclass connects its own way (wired_locker.SerialLocker, through a gateway)
        self.host, self.port = broker_address(broker_url) if broker_url else (None, None)
        self.runner = shared_loop()
        self._lock = threading.RLock()  # held while the board handles an event
        self._changed = threading.Condition(self._lock)
        self.pulsed = []  # compartment numbers in the order the board pulsed them
        self.panel = VirtualPanel(echo)
        self.clock = HostClock(clock)
        config = {
            "locker_id": locker_id,
            "key": key.hex(),
            "compartments": [list(c) for c in compartments],  # an accessible one has a third
        }
        self.bank, self.hardware = self._bank_and_parts(config)
        self.flash = HostFileFlash(state_file) if state_file else MemoryFlash()
        self.watchdog = CountingWatchdog()
        self.board = WatchedBoard(
            self._changed,
            self.panel,
            config,
            self.hardware,
            self._open_transport,
            self.clock,
            FlashStore(FLASH_DIR, files=self.flash),
            HostSystem(),
            self.watchdog,
        )
        self.controller = self.board.controller
        self.doors = self.hardware.doors  # the DoorBank: which doors the board sees open
        self.locks = self.hardware.locks
        self._running = None  # the board's task, as a concurrent future
        self._task = None  # the same task, as the loop knows it
        self._writer = None  # the current connection's stream, cut when the power dies

    def _bank_and_parts(self, config):
        """The virtual bank, and the Hardware the firmware's wiring builds on it (24 doors at
        most, as on a board's bank)."""
        bank = VirtualBank(
            esp32_devkitc, EXPANDER_PINS, EXPANDER_ADDRESSES, KEYS_3X4, 3, self.clock.ticks_ms
        )
        bank.latch_grace_ms = self.pull_grace_ms + Doors.pulse_ms  # from the pulse's end
        bank.on_pulse = self._pulsed
        hardware = build_hardware(esp32_devkitc, config, bank)
        hardware.display = self.panel  # the bank's display, as the person reads it
        self.polls, self.polled_at = 0, 0  # how often the board polled its parts, and when
        self._watch_polls(hardware)
        return bank, hardware

    # --- life cycle -------------------------------------------------------------------------
    def start(self):
        self._running = self.runner.spawn(self._run())
        return self

    def stop(self):
        """A deliberate stop: DISCONNECT (the broker drops the will), batched flash written."""
        if self._running is not None:
            self.runner.call(self._stop(), ACT_TIMEOUT_S)
            self._running = None

    def power_off(self):
        """The power dies: every task ends where it is, the connection is dropped without a
        DISCONNECT (so the broker publishes the will), and nothing more reaches flash."""
        if self._running is not None:
            self.runner.call(self._power_off(), ACT_TIMEOUT_S)
            self._running = None

    @property
    def online(self):
        return self.board.mqtt.up.is_set()

    # --- what people do ---------------------------------------------------------------------
    def press(self, keys):
        """Type on the keypad, e.g. press('4711#'); returns once the board took every key."""
        self.runner.call(self._type(keys), ACT_TIMEOUT_S + len(keys))

    def scan(self, code):
        """Hold a parcel's barcode (or a QR code) to the scanner."""
        self.runner.call(self._scan(code), ACT_TIMEOUT_S)

    def open_door(self, number):
        """Pull the door; it opens only if its lock was just released. Returns whether it did."""
        return self.runner.call(self._open(number), ACT_TIMEOUT_S)

    def close_door(self, number):
        self.runner.call(self._close(number), ACT_TIMEOUT_S)

    def force_door(self, number):
        """Someone forces the door open without an unlock, then shuts it: the board journals
        it (a tamper). Returns once the board saw it shut again."""
        self.runner.call(self._force(number), ACT_TIMEOUT_S)

    # --- what tests and scripts wait for ----------------------------------------------------
    def wait_until(self, condition, timeout=10.0, what="condition"):
        """Block until condition(controller) holds; TimeoutError naming `what` otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self.controller):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        "%s: %s not reached in %.1fs" % (self.locker_id, what, timeout)
                    )
                self._changed.wait(min(left, 0.1))

    def wait_for_pulse(self, after=0, timeout=10.0):
        """The compartment of the next pulse after the first `after` ones."""
        self.wait_until(lambda c: len(self.pulsed) > after, timeout, "a door pulse")
        return self.pulsed[after]

    # --- the board's world, in the loop -----------------------------------------------------
    async def _open_transport(self):
        reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return reader, self._writer

    async def _run(self):
        self._task = asyncio.current_task()
        try:
            await self.board.run()
        except asyncio.CancelledError:
            pass  # stopped, or the power died

    async def _stop(self):
        await self.board.stop()
        await asyncio.wait([self._task], timeout=5)

    async def _power_off(self):
        self._task.cancel()  # and with it every task of the board (Board.run gathers them)
        if self._writer is not None:
            self._writer.transport.abort()  # no FIN handshake, no DISCONNECT: the line is dead
        await asyncio.wait([self._task], timeout=5)

    async def _type(self, keys):
        for key in keys:
            if key not in self.bank.keypad.keys:
                raise ValueError("no key %r on the keypad" % key)
            taken = self.board.keys_taken
            self.bank.keypad.pressed = key
            await self._until(lambda: self.board.keys_taken > taken, "key " + key)
            self.bank.keypad.pressed = None
            await self._settled(MatrixKeypad.debounce_ms)  # released, or the next press is lost

    async def _scan(self, code):
        self.bank.scan(code)
        await self._until(lambda: not self.bank.scanner.any(), "the scan")  # read and handled

    async def _open(self, number):
        if self.bank.door_is_open(number) or not self.bank.door_can_open(number):
            return False
        self.bank.set_door(number, True)
        await self._until(lambda: self.doors.is_open(number), "door %d seen open" % number)
        return True

    async def _close(self, number):
        if not self.bank.door_is_open(number):
            return
        self.bank.set_door(number, False)
        await self._until(lambda: not self.doors.is_open(number), "door %d seen shut" % number)

    async def _force(self, number):
        self.bank.set_door(number, True)
        await self._until(lambda: self.doors.is_open(number), "door %d forced open" % number)
        await self._close(number)

    async def _until(self, condition, what):
        """Wait, polling as often as the board polls its parts, until condition() holds."""
        deadline = time.monotonic() + ACT_TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("%s: %s not taken by the board" % (self.locker_id, what))
            await asyncio.sleep(self.board.io_ms / 1000)

    async def _settled(self, debounce_ms):
        """Until the parts were polled after now, and again debounce_ms after that poll."""
        polls = self.polls
        await self._until(lambda: self.polls > polls, "a poll of the parts")
        first = self.polled_at
        await self._until(
            lambda: ticks_diff(self.polled_at, first) >= debounce_ms, "a debounced poll"
        )

    def _watch_polls(self, hardware):
        poll = hardware.poll

        def watched_poll(now_ms):
            self.polls, self.polled_at = self.polls + 1, now_ms
            return poll(now_ms)

        hardware.poll = watched_poll

    def _pulsed(self, compartment):
        with self._changed:
            self.pulsed.append(compartment)
            self._changed.notify_all()
