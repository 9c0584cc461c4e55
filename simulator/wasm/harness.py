# The board's main.py for MicroPython's WebAssembly port: the same runtime, drivers, core and
# MQTT client as on an ESP32, with the socket from Node.js (module `host`) and the pins from
# virtual_bank.py. Reads JSON commands, writes JSON observations (run_board.mjs).
import asyncio
import gc
import json

import board_profile as profile
import host
import jsffi
from virtual_bank import VirtualBank

# the built bundle's firmware.board and firmware.drivers are one module each
# (fleet/board_merge.py): import from them
from firmware.board import Board, FlashStore
from firmware.board.wiring import build_hardware
from firmware.core import KEY_PRESSED, SHOW
from firmware.drivers import KEYS_3X4, DoorBank, ticks_diff
from hardware.profiles.logical import EXPANDER_ADDRESSES, EXPANDER_PINS

KEY_HOLD_S = 0.06  # a finger on a key: longer than the keypad's debounce
SETTLE_CAP_S = 5  # a part's reading not taken in this long: give up waiting, the test will tell


def emit(**observation):
    print(json.dumps(observation))


class Clock:
    def ticks_ms(self):
        return host.ticks()

    def wall_ms(self):
        return int(host.wall())  # a string: a JS integer this large would not survive the trip


class System:
    def free_heap(self):
        return gc.mem_free()

    def rssi(self):
        return -55

    def reset_cause(self):
        return "power-on"


class Watchdog:
    feeds = 0

    def feed(self):
        Watchdog.feeds += 1


class JsStream:
    """Node's socket behind the asyncio streams API the MQTT client expects."""

    def __init__(self, sock):
        self.sock, self.buffer = sock, b""

    async def read(self, n):
        if not self.buffer:
            self.buffer = bytes(await self.sock.read())
            if not self.buffer:
                return b""  # EOF
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    async def readexactly(self, n):
        data = b""
        while len(data) < n:
            chunk = await self.read(n - len(data))
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
        return data

    def write(self, data):
        self.sock.write(jsffi.to_js(list(data)))

    async def drain(self):
        pass

    def close(self):
        self.sock.close()

    async def wait_closed(self):
        pass


def transport_to(broker):
    async def open_transport():
        stream = JsStream(await host.connect(broker["host"], broker["port"]))
        return stream, stream

    return open_transport


class Harness:
    def __init__(self, config):
        self.clock = Clock()
        self.bank = VirtualBank(
            profile, EXPANDER_PINS, EXPANDER_ADDRESSES, KEYS_3X4, 3, self.clock.ticks_ms
        )
        hardware = build_hardware(profile, config, self.bank)
        self.board = Board(
            config,
            hardware,
            transport_to(config["broker"]),
            self.clock,
            FlashStore("/flash"),
            System(),
            Watchdog(),
        )
        self.quiet = False  # benchmarks switch the observations off
        self._reported = None
        self._pulses_reported = 0
        self.hardware, self.polls, self.polled_at = hardware, 0, 0
        self._wrap(hardware)

    def _wrap(self, hardware):
        handle, carry_out = self.board.handle, hardware.carry_out

        def observed_handle(event):
            if not self.quiet and event[0] == KEY_PRESSED:
                emit(key=event[1])  # what the keypad driver took, to tell a lost key from a bug
            actions = handle(event)
            self.report()
            return actions

        def observed_carry_out(action, now_ms):
            carry_out(action, now_ms)
            if not self.quiet and action[0] == SHOW:
                emit(show=action[1])

        poll = hardware.poll

        def counted_poll(now_ms):
            self.polls, self.polled_at = self.polls + 1, now_ms
            return poll(now_ms)

        self.board.handle = observed_handle
        hardware.carry_out = observed_carry_out
        hardware.poll = counted_poll

    async def debounced(self, debounce_ms):
        """Wait until the parts were polled once after a change and again debounce_ms later,
        so the driver took it: a fixed sleep loses keys when the interpreter is starved."""
        polls, started = self.polls, self.clock.ticks_ms()
        while (
            self.polls == polls and ticks_diff(self.clock.ticks_ms(), started) < SETTLE_CAP_S * 1000
        ):
            await asyncio.sleep(0.002)
        seen_at = self.polled_at
        while (
            ticks_diff(self.polled_at, seen_at) < debounce_ms
            and ticks_diff(self.clock.ticks_ms(), started) < SETTLE_CAP_S * 1000
        ):
            await asyncio.sleep(0.002)

    def report(self):
        if self.quiet:
            return
        new = self.bank.pulse_count - self._pulses_reported
        for number, at in self.bank.pulses[len(self.bank.pulses) - new :] if new else ():
            emit(pulse=number, at=at)
        self._pulses_reported = self.bank.pulse_count
        state = self.state()
        if state != self._reported:
            self._reported = state
            emit(state=state)

    def state(self):
        # from the snapshot and the controller's parts, not from the Controller's accessors:
        # the board's build strips those (fleet/board_strip.py), as no board code asks for them
        c = self.board.controller
        snapshot = c.snapshot()
        bank, credentials = c._compartments, c._credentials
        pickups, returns = credentials._pickups, credentials._returns
        compartments = []
        for n in bank.numbers():
            compartment = bank.get(n)
            compartments.append([n, compartment.state, compartment.parcel, compartment.size])
        held = snapshot["credentials"]
        reserved = sorted(held["reserved"])
        return {
            "online": c.is_online(),
            "couriers": len(held["couriers"]),
            "counter": c.last_counter,
            "reserved": reserved,
            # the board keeps tags, not parcel codes: name the parcels inside that have one
            "credentials": sorted([p for _, _, p, _ in compartments if p and pickups.has(p)]),
            # a return code rides on its reservation: name the reserved parcels that have one
            "returns": [p for p in reserved if returns.has(p)],
            "collect": sorted(held["collect"]),
            "compartments": compartments,
            "pending": len(snapshot["journal"]["pending"]),
        }

    async def commands(self):
        while True:
            command = json.loads(await host.nextCommand())
            if command.get("quit"):
                await self.board.stop()
                return
            await self.obey(command)
            self.report()
            emit(done=command)

    async def obey(self, command):
        if "press" in command:
            debounce_ms = self.hardware.keypad.debounce_ms
            for key in command["press"]:
                self.bank.keypad.pressed = key
                await asyncio.sleep(KEY_HOLD_S)
                await self.debounced(debounce_ms)
                self.bank.keypad.pressed = None
                await asyncio.sleep(KEY_HOLD_S)
                await self.debounced(debounce_ms)
        elif "open" in command:
            opened = self.bank.door_can_open(command["open"])
            if opened:
                self.bank.set_door(command["open"], True)
            await asyncio.sleep(0.1)  # the sensor's debounce
            await self.debounced(DoorBank.debounce_ms)
            emit(door=command["open"], open=opened)
        elif "close" in command:
            self.bank.set_door(command["close"], False)
            await asyncio.sleep(0.1)
            await self.debounced(DoorBank.debounce_ms)
        elif "bench" in command:
            import bench  # only loaded when asked: it is not part of a board's day

            self.quiet = True
            self._reported = None  # the last state reported: the harness's, not the board's data
            emit(bench=await bench.run(self.board, self.bank, command["bench"]))
            self.quiet = False
        elif "scan" in command:
            self.bank.scan(command["scan"])
            await asyncio.sleep(0.05)


async def main():
    # the config read in a call of its own and not kept, as firmware/board/startup.py does: what
    # the benchmark weighs as the board's data holds no config.json
    harness = Harness(_config())
    emit(booted=harness.board.locker_id, heap=gc.mem_alloc())
    runtime = asyncio.create_task(harness.board.run())
    await harness.commands()
    runtime.cancel()


def _config():
    with open("/flash/config.json") as f:
        return json.load(f)
