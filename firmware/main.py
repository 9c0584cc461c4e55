# The board's entry point, run by MicroPython after boot.py: the only module that imports
# `machine` and `network`. It builds the parts from the board profile, then runs the runtime.
import asyncio
import gc
import json
import os
import sys
import time

import board_profile as profile  # hardware/profiles/<board>.py, copied by `locker firmware build`
import machine
import micropython
import network
import ntptime

from firmware.board.bootguard import BootGuard
from firmware.board.runtime import Board
from firmware.board.store import FlashStore
from firmware.board.tls import broker_opener
from firmware.board.wifi import WifiKeeper
from firmware.board.wiring import build_hardware

# MicroPython ports count wall time from 1970 or from 2000; the wire speaks Unix ms.
EPOCH_OFFSET_S = 946684800 if time.gmtime(0)[0] == 2000 else 0
WATCHDOG_MS = 8000
INSTALL_LOCK = "install.lock"  # fleet/install/board_link.py writes and removes it
# By name: the RP2 port has only PWRON_RESET and WDT_RESET (its stubs list the others from the
# docs), and a missing attribute here would stop main.py before it starts.
RESET_CAUSES = dict(
    [
        (getattr(machine, name), cause)
        for name, cause in (
            ("PWRON_RESET", "power-on"),
            ("HARD_RESET", "hard"),
            ("WDT_RESET", "watchdog"),
            ("DEEPSLEEP_RESET", "deep-sleep"),
            ("SOFT_RESET", "soft"),
        )
        if hasattr(machine, name)
    ]
)


class Parts:
    """Pins, I2C and UART from `machine`, as firmware/board/wiring.py asks for them."""

    def pin(self, gpio, output, open_drain=False):
        if output:
            return machine.Pin(
                gpio,
                machine.Pin.OPEN_DRAIN if open_drain else machine.Pin.OUT,
                value=1 if open_drain else 0,
            )
        return machine.Pin(gpio, machine.Pin.IN, machine.Pin.PULL_UP)

    def i2c(self, bus, sda, scl):
        return machine.I2C(bus, sda=machine.Pin(sda), scl=machine.Pin(scl), freq=400000)

    def uart(self, bus, tx, rx):
        return machine.UART(bus, baudrate=9600, tx=tx, rx=rx, rxbuf=256)


class Clock:
    def ticks_ms(self):
        return time.ticks_ms()

    def wall_ms(self):
        return (time.time() + EPOCH_OFFSET_S) * 1000


class System:
    def __init__(self, wifi):
        self.wifi = wifi  # None on a wired link: no signal to report

    def free_heap(self):
        return gc.mem_free()

    def rssi(self):
        return self.wifi.rssi() if self.wifi is not None else None

    def reset_cause(self):
        return RESET_CAUSES.get(machine.reset_cause(), "unknown")


async def run(board, wifi, guard):
    if wifi is not None:
        asyncio.create_task(wifi.run())
    asyncio.create_task(_mark_stable(guard))
    await board.run()


async def _mark_stable(guard):
    await asyncio.sleep(guard.stable_ms / 1000)
    guard.stable()


def serial_line(link):
    """(reader, writer) of the wired link: the USB console ("port": "usb", a Pico W or a
    DevKitC on USB to the gateway's PC) or the profile's link UART ("port": "uart", e.g. to
    an RS-485 transceiver). The console's prints and tracebacks land on the line too: the
    frame decoder skips them as noise."""
    if link.get("port", "usb") == "usb":
        micropython.kbd_intr(-1)  # a 0x03 byte in a frame is data, not Ctrl-C
        return asyncio.StreamReader(sys.stdin.buffer), asyncio.StreamWriter(sys.stdout.buffer, {})
    uart = machine.UART(
        profile.LINK_UART_ID,
        baudrate=link.get("baud", 115200),
        tx=profile.LINK_PINS["tx"],
        rx=profile.LINK_PINS["rx"],
        rxbuf=2048,  # a whole frame and more: the reader task may be a tick late
    )
    stream = asyncio.StreamReader(uart)  # one MicroPython Stream reads and writes the UART
    return stream, stream


def main():
    with open("config.json") as f:
        config = json.load(f)
    guard = BootGuard("")
    mode = guard.enter()
    watchdog = machine.WDT(timeout=WATCHDOG_MS)
    hardware = build_hardware(profile, config, Parts())
    link = config.get("link")
    if link is not None and link.get("kind") == "serial":
        # A wired bank: the MQTT connection goes through `locker gateway` on the serial line;
        # no WiFi, and TLS (if any) is the gateway's, with this board's certificate.
        from firmware.board.serial_transport import SerialLink  # here: a WiFi board's RAM

        wifi = None
        open_transport = SerialLink(*serial_line(link)).open_transport
    else:
        wifi = WifiKeeper(
            network.WLAN(network.STA_IF),
            config["wifi"]["ssid"],
            config["wifi"]["password"],
            ntptime.settime,
        )
        # TLS with the board's own certificate (tls/ in the bundle); plain TCP only when
        # config.json says "tls": false (the demo's embedded broker)
        open_transport = broker_opener(config["broker"])
    board = Board(
        config, hardware, open_transport, Clock(), FlashStore(""), System(wifi), watchdog, mode
    )
    asyncio.run(run(board, wifi, guard))


def held_for_install():
    # `locker install` leaves this file while it writes the bundle and removes it last: the
    # board then stays at the REPL, with no watchdog started (an ESP32's cannot be stopped, and
    # would reset the board under the installer) and no half-written bundle run.
    try:
        os.stat(INSTALL_LOCK)
        return True
    except OSError:
        return False


if held_for_install():
    print("held by locker install (%s): REPL only" % INSTALL_LOCK)
else:
    main()
