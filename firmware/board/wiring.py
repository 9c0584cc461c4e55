# Builds the Hardware from a board profile (GPIO numbers for the logical names) and a `parts`
# factory that makes pins, the I2C bus and the UART. On a board the factory wraps `machine`
# (MachineParts); in the simulator and on the WebAssembly interpreter it makes virtual ones.
# Boot-only: firmware/board/startup.py drops this module once the parts are built.
import asyncio
import sys

from firmware.board.hardware import Hardware
from firmware.drivers.buzzer import Buzzer
from firmware.drivers.code_scanner import CodeScanner
from firmware.drivers.door_bank import DoorBank
from firmware.drivers.lock_bank import LockBank
from firmware.drivers.matrix_keypad import KEYS_3X4, KEYS_4X4, MatrixKeypad
from firmware.drivers.mcp23017 import Mcp23017
from hardware.profiles.logical import EXPANDER_ADDRESSES, EXPANDER_PINS


def build_hardware(profile, config, parts):
    """`config`: the board's config.json (compartments, keypad, display)."""
    i2c = parts.i2c(profile.I2C_ID, profile.PINS["i2c_sda"], profile.PINS["i2c_scl"])
    chips = {}
    for address in EXPANDER_ADDRESSES:
        chips[address] = Mcp23017(i2c, address)  # first thing: outputs low before anything else
    # both banks share it; an accessible compartment's entry has a third element (layout.py)
    numbers = tuple([entry[0] for entry in config["compartments"]])
    lock_pins = {}
    for name in EXPANDER_PINS:
        if name.startswith("lock_"):  # all 24, used or not: no MOSFET gate floats, and GPA7/GPB7
            lock_pins[name] = _expander_pin(chips, name, True)  # are never inputs (rev. D)
    return Hardware(
        locks=LockBank(numbers, [_lock_pin(lock_pins, n) for n in numbers]),
        doors=DoorBank(numbers, [_expander_pin(chips, "door_%d" % n, False) for n in numbers]),
        keypad=_keypad(profile, config, parts),
        scanner=CodeScanner(
            parts.uart(profile.UART_ID, profile.PINS["scanner_tx"], profile.PINS["scanner_rx"])
        ),
        buzzer=Buzzer(parts.pin(profile.PINS["buzzer"], True)),
        display=_display(i2c, config),
        expanders=list(chips.values()),
    )


def _display(i2c, config):
    if not config.get("display"):
        return None
    # imported only by a bank that has one: its code costs ~2 KB of heap as a .mpy
    from firmware.drivers.ssd1306 import Ssd1306

    return Ssd1306(i2c)


def _lock_pin(lock_pins, number):
    name = "lock_%d" % number
    if name not in lock_pins:
        raise ValueError("no wiring for " + name + ": this bank drives compartments 1-24")
    return lock_pins[name]


def _expander_pin(chips, name, output):
    if name not in EXPANDER_PINS:
        raise ValueError("no wiring for " + name + ": this bank drives compartments 1-24")
    address, n = EXPANDER_PINS[name]
    return chips[address].pin(n, output)


def _keypad(profile, config, parts):
    columns = 4 if config.get("keypad") == "4x4" else 3
    # open-drain rows: two keys pressed at once never short a driven-high row to a low one
    rows = [parts.pin(profile.PINS["keypad_row_%d" % i], True, True) for i in range(4)]
    cols = [parts.pin(profile.PINS["keypad_col_%d" % i], False) for i in range(columns)]
    return MatrixKeypad(rows, cols, KEYS_4X4 if columns == 4 else KEYS_3X4)


class MachineParts:
    """Pins, I2C and UART from `machine` (handed in by main.py, the only module that imports
    it), as build_hardware asks for them."""

    def __init__(self, machine):
        self.machine = machine

    def pin(self, gpio, output, open_drain=False):
        pin = self.machine.Pin
        if output:
            return pin(
                gpio, pin.OPEN_DRAIN if open_drain else pin.OUT, value=1 if open_drain else 0
            )
        return pin(gpio, pin.IN, pin.PULL_UP)

    def i2c(self, bus, sda, scl):
        pin = self.machine.Pin
        return self.machine.I2C(bus, sda=pin(sda), scl=pin(scl), freq=400000)

    def uart(self, bus, tx, rx):
        return self.machine.UART(bus, baudrate=9600, tx=tx, rx=rx, rxbuf=256)


def serial_line(machine, profile, link):
    """(reader, writer) of the wired link: the USB console ("port": "usb", a Pico W or a
    DevKitC on USB to the gateway's PC) or the profile's link UART ("port": "uart", e.g. to
    an RS-485 transceiver). The console's prints and tracebacks land on the line too: the
    frame decoder skips them as noise."""
    if link.get("port", "usb") == "usb":
        import micropython  # here: CPython, where the tests import this module, has none

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
