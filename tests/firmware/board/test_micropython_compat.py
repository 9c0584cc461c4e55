"""firmware/board imports only what a board carries (compiling and syntax:
tests/test_micropython_compat.py)."""

import pytest

from tests.support.micropython import ROOT, imported_modules

BOARD = ROOT / "firmware" / "board"
FILES = sorted(BOARD.glob("*.py"))
ALLOWED = {"asyncio", "binascii", "json", "os", "ssl", "sys"}  # ssl, sys: tls.py (MicroPython
# 1.23+ has both); binascii: store.py, as firmware/core/pickups.py
# app.py, main.py's body, with startup.py and system.py: gc, time, micropython are built into
# every port, board_profile is the bundle's own profile; machine and network it is handed by
# main.py
ALLOWED |= {"gc", "time", "micropython", "board_profile"}
ALLOWED_PACKAGES = ("firmware.", "hardware.profiles.", "protocol")


def test_there_is_a_runtime_to_check():
    names = {path.name for path in FILES}
    assert {"runtime.py", "store.py", "supervisor.py", "bootguard.py", "wiring.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_imports_only_what_a_board_carries(path):
    modules = imported_modules(path)
    assert all(m in ALLOWED or m.startswith(ALLOWED_PACKAGES) for m in modules), modules
    assert "machine" not in modules  # only firmware/main.py touches the hardware
