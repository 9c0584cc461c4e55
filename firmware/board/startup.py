# What only the boot runs, from firmware/board/app.py's main(): config read, this boot counted,
# the watchdog started, the parts built from the board profile, the link to the broker chosen,
# the Board made. Its own module so that it goes with the other boot-only ones (BOOT_ONLY, this
# one among them) once it has run: ~0.6 KB of heap as .mpy that a board would otherwise keep.
# The objects it makes refer only to modules that stay (runtime, store, tls, the package's).
import gc
import json
import sys

from firmware.board.bootguard import BootGuard
from firmware.board.runtime import Board
from firmware.board.store import FlashStore
from firmware.board.system import Clock, System
from firmware.board.tls import broker_opener
from firmware.board.wifi import WifiKeeper

WATCHDOG_MS = 8000
# By name: the RP2 port has only PWRON_RESET and WDT_RESET (its stubs list the others from the
# docs), and a missing attribute here would stop the board before it starts. Read at boot only:
# System keeps the dict made from it.
RESET_CAUSES = (
    ("PWRON_RESET", "power-on"),
    ("HARD_RESET", "hard"),
    ("WDT_RESET", "watchdog"),
    ("DEEPSLEEP_RESET", "deep-sleep"),
    ("SOFT_RESET", "soft"),
)
# Read once to build the parts, never again: the pin map, the board's profile and the code that
# reads them (wiring, with `machine`'s parts factory and the serial line; its globals keep the
# 48-entry EXPANDER_PINS alive), and this module. The parts they made refer only to the
# drivers' modules, so after the build these go from sys.modules (~7 KB of heap as .mpy).
BOOT_ONLY = (
    "firmware.board.startup",
    "firmware.board.wiring",
    "hardware.profiles.logical",
    "hardware.profiles",
    "hardware",
    "board_profile",
)


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
        System(machine, wifi, reset_causes(machine)),
        watchdog,
        mode,
    )
    return board, wifi, guard


def reset_causes(machine):
    """{machine.reset_cause() value: its name on the wire} for the causes this port has."""
    return dict(
        [(getattr(machine, name), cause) for name, cause in RESET_CAUSES if hasattr(machine, name)]
    )


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
