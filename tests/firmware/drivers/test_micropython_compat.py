"""Drivers import nothing that touches the world: pins come in ready-made."""

import pytest

from tests.support.micropython import ROOT, imported_modules

FILES = sorted((ROOT / "firmware" / "drivers").glob("*.py"))
# const() only: mpy-cross compiles the import away, CPython gets a stand-in
COMPILE_TIME = {"micropython"}


def test_there_are_drivers_to_check():
    assert ROOT / "firmware" / "drivers" / "lock_bank.py" in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_drivers_import_only_each_other(path):
    modules = imported_modules(path)
    assert all(m.startswith("firmware.drivers.") or m in COMPILE_TIME for m in modules), modules
