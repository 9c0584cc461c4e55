"""firmware/board/startup.py on the real MicroPython (the WebAssembly port): the board's parts built
from the bundle as a board imports it, then the boot-only modules dropped, with a `machine`
that is a few small classes (the port has none)."""

import secrets
import subprocess

import pytest

from fleet.firmware_build import board_config, build
from protocol.layout import parse_layout
from simulator.wasm_board import node_ready
from tests.support.wasm_script import RUNNER

SCRIPT = """
import sys


class Pin:
    IN, OUT, OPEN_DRAIN, PULL_UP = 1, 2, 3, 4

    def __init__(self, gpio, mode=None, pull=None, value=1):
        self.level = value

    def value(self, level=None):
        if level is None:
            return self.level
        self.level = level


class I2C:
    def __init__(self, bus, sda, scl, freq):
        pass

    def writeto(self, address, data):
        return len(data)

    def readfrom_mem(self, address, register, n):
        return bytes(n)  # doors closed


class UART:
    def __init__(self, bus, **settings):
        pass

    def any(self):
        return 0


class Machine:
    Pin, I2C, UART = Pin, I2C, UART


class Network:
    STA_IF = 0

    def WLAN(self, interface):
        return None


import json

from firmware.board import startup

with open("/flash/config.json") as f:
    config = json.load(f)
hardware, wifi, open_transport = startup.build(Machine(), Network(), None, config)
print("loaded", [name for name in startup.BOOT_ONLY if name in sys.modules])
# what that frees is weighed by benchmarks/firmware_code_ram.py, each gc.collect() in a call
# of its own (inside one running script this port's collector still sees the suspended stack)
startup.unload_boot_only()
print("left", [name for name in startup.BOOT_ONLY if name in sys.modules])
print("package keeps wiring", hasattr(sys.modules["firmware.board"], "wiring"))
print("doors", sorted(hardware.doors.numbers)[:3], "polled", hardware.poll(0))
"""


@pytest.fixture
def bundle(tmp_path):
    config = board_config(
        "L-APP", secrets.token_hex(32), parse_layout("S8,M8,L8"), "127.0.0.1", 1883
    )
    build("esp32", tmp_path / "bundle", config)
    return tmp_path / "bundle"


def test_the_boot_only_modules_go_once_the_parts_are_built(bundle, tmp_path):
    if not node_ready():
        pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
    script = tmp_path / "boot.py"
    script.write_text(SCRIPT)
    stand_in = tmp_path / "ssl.py"  # a board's `ssl` is built in; this port has none
    stand_in.write_text("")
    copies = ["%s=ssl.py" % stand_in] + [
        "%s=%s" % (path, path.relative_to(bundle)) for path in bundle.rglob("*") if path.is_file()
    ]
    result = subprocess.run(
        ["node", str(RUNNER), str(script)] + copies,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "loaded ['firmware.board.startup', 'firmware.board.wiring', 'hardware.profiles.logical', "
        "'hardware.profiles', 'hardware', 'board_profile']",
        "left []",
        "package keeps wiring False",
        "doors [1, 2, 3] polled []",
    ]
