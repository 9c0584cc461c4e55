"""firmware/net keeps to what every board's asyncio has, the WebAssembly port's included: a
short list of asyncio names (compiling and syntax: tests/test_micropython_compat.py)."""

import ast

import pytest

from tests.support.micropython import ROOT, imported_modules

NET = ROOT / "firmware" / "net"
FILES = sorted(NET.glob("*.py"))
ASYNCIO_NAMES = {"create_task", "sleep", "Event", "gather"}  # no run, Queue, wait_for, Lock


def test_there_is_a_client_to_check():
    assert NET / "mqtt_client.py" in FILES and NET / "mqtt_packets.py" in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_imports_only_asyncio_and_each_other(path):
    modules = imported_modules(path)
    assert all(m == "asyncio" or m.startswith("firmware.net") for m in modules), modules


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_uses_only_the_asyncio_every_port_has(path):
    used = {
        node.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "asyncio"
    }
    assert used <= ASYNCIO_NAMES, used - ASYNCIO_NAMES
