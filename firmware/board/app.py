# The board's life from main.py on: config, the safe-mode count, the watchdog, the parts from
# the board profile, the link to the broker, then the runtime. It lives in the bundle (a .mpy)
# so that MicroPython does not compile it from source at every boot (3 KB of heap and the
# compiler's peak); main.py, the only module that imports `machine` and `network`, hands them in.
import asyncio
import gc
import json
import sys
import time

from firmware.board.bootguard import BootGuard
from firmware.board.runtime import Board
from firmware.board.store import FlashStore
from firmware.board.tls import broker_opener
from firmware.board.wifi import WifiKeeper

# MicroPython ports count wall time from 1970 or from 2000; the wire speaks Unix ms.
EPOCH_OFFSET_S = 946684800 if time.gmtime(0)[0] == 2000 else 0
WATCHDOG_MS = 8000
# Read once to build the parts, never again: the pin map, the board's profile and the code that
# reads them (wiring, with `machine`'s parts factory and the serial line; its globals keep the
# 48-entry EXPANDER_PINS alive). The parts they made refer only to the drivers' modules, so
# after the build these go from sys.modules (~6 KB of heap as .mpy).
BOOT_ONLY = (
    "firmware.board.wiring",
    "hardware.profiles.logical",
    "hardware.profiles",
    "hardware",
    "board_profile",
)
# By name: the RP2 port has only PWRON_RESET and WDT_RESET (its stubs list the others from the
# docs), and a missing attribute here would stop the board before it starts.
RESET_CAUSES = (
    ("PWRON_RESET", "power-on"),
    ("HARD_RESET", "hard"),
    ("WDT_RESET", "watchdog"),
    ("DEEPSLEEP_RESET", "deep-sleep"),
    ("SOFT_RESET", "soft"),
)


class Clock:
    def ticks_ms(self):
        return time.ticks_ms()

    def wall_ms(self):
        return (time.time() + EPOCH_OFFSET_S) * 1000


class System:
    def __init__(self, machine, wifi):
        self.machine = machine
        self.wifi = wifi  # None on a wired link: no signal to report
        self.causes = dict(
            [
                (getattr(machine, name), cause)
                for name, cause in RESET_CAUSES
                if hasattr(machine, name)
            ]
        )

    def free_heap(self):
        return gc.mem_free()

    def rssi(self):
        return self.wifi.rssi() if self.wifi is not None else None

    def reset_cause(self):
        return self.causes.get(self.machine.reset_cause(), "unknown")


async def run(board, wifi, guard):
    if wifi is not None:
        asyncio.create_task(wifi.run())
    asyncio.create_task(_mark_stable(guard))
    await board.run()


async def _mark_stable(guard):
    await asyncio.sleep(guard.stable_ms / 1000)
    guard.stable()


def main(machine, network, settime):
    """The board's life: `machine` and `network` as main.py imported them, `settime` the
    wall clock's setter (ntptime.settime)."""
    board, wifi, guard = start(machine, network, settime)
    # what start() read and built only to boot (config.json's dict and lists: 1.9 KB on the
    # wasm port) is garbage now: collected before the tasks run, not held by this frame for
    # the board's life
    gc.collect()
    asyncio.run(run(board, wifi, guard))


def start(machine, network, settime):
    """(the Board, the WiFi keeper or None, the boot guard): config read, this boot counted,
    the watchdog started, the parts built and the boot-only modules dropped."""
    with open("config.json") as f:
        config = json.load(f)
    guard = BootGuard("")
    mode = guard.enter()
    watchdog = machine.WDT(timeout=WATCHDOG_MS)
    hardware, wifi, open_transport = build(machine, network, settime, config)
    unload_boot_only()  # before the flash state loads: a lower peak
    board = Board(
        config,
        hardware,
        open_transport,
        Clock(),
        FlashStore(""),
        System(machine, wifi),
        watchdog,
        mode,
    )
    return board, wifi, guard


def build(machine, network, settime, config):
    """(the parts, the WiFi keeper or None, open_transport). The boot-only modules are imported
    here, not at the top: nothing but this call's frame holds them, so they can go after it."""
    import board_profile as profile  # hardware/profiles/<board>.py, copied by the build

    from firmware.board.wiring import MachineParts, build_hardware, serial_line

    hardware = build_hardware(profile, config, MachineParts(machine))
    link = config.get("link")
    if link is not None and link.get("kind") == "serial":
        # A wired bank: the MQTT connection goes through `locker gateway` on the serial line;
        # no WiFi, and TLS (if any) is the gateway's, with this board's certificate.
        from firmware.board.serial_transport import SerialLink  # here: a WiFi board's RAM

        return hardware, None, SerialLink(*serial_line(machine, profile, link)).open_transport
    wifi = WifiKeeper(
        network.WLAN(network.STA_IF), config["wifi"]["ssid"], config["wifi"]["password"], settime
    )
    # TLS with the board's own certificate (tls/ in the bundle); plain TCP only when config.json
    # says "tls": false (the demo's embedded broker)
    return hardware, wifi, broker_opener(config["broker"])


def unload_boot_only(names=BOOT_ONLY):
    """Drop the modules only the build needed, and the attribute each one's package holds it
    by, then collect: what they alone referred to goes back to the heap."""
    for name in names:
        sys.modules.pop(name, None)
        package, _, attribute = name.rpartition(".")
        parent = sys.modules.get(package) if package else None
        if parent is not None and hasattr(parent, attribute):
            delattr(parent, attribute)
    gc.collect()
