"""The firmware core imports nothing that touches the world (compiling:
tests/test_micropython_compat.py)."""

import pytest

from tests.support.micropython import ROOT, imported_modules

# The core and the board<->cloud contract it speaks (protocol/) are pure alike.
CORE_FILES = sorted([*(ROOT / "firmware" / "core").glob("*.py"), *(ROOT / "protocol").glob("*.py")])
PURE_PACKAGES = ("firmware.core", "protocol")
FORBIDDEN = {
    "time",
    "utime",
    "machine",
    "network",
    "socket",
    "usocket",
    "asyncio",
    "uasyncio",
    "typing",
    "dataclasses",
    "enum",
    "abc",
}
ALLOWED = {
    "json",
    "binascii",
    "hashlib",
    "micropython",  # const() only: mpy-cross compiles the import away, CPython gets a stand-in
}


def test_there_is_a_core_to_check():
    assert ROOT / "firmware" / "core" / "controller.py" in CORE_FILES
    assert ROOT / "protocol" / "wire.py" in CORE_FILES


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_the_core_imports_only_pure_modules(path):
    modules = set(imported_modules(path))
    assert not {m.split(".")[0] for m in modules} & FORBIDDEN
    assert all(m in ALLOWED or m.startswith(PURE_PACKAGES) for m in modules), modules
