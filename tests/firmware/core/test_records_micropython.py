"""Events and actions, packets, the packed settled parcels and the const() names behave on the real
MicroPython (WebAssembly port under Node.js) exactly as on CPython: != without a __ne__,
constants the compiler inlines, 32-bit ints to and from bytes."""

from pathlib import Path

from tests.support.wasm_script import on_cpython, on_micropython

CHECK = Path(__file__).with_name("records_check.py")
MODULES = (
    "firmware/__init__.py",
    "firmware/core/__init__.py",
    "firmware/core/actions.py",
    "firmware/core/events.py",
    "firmware/core/pickups.py",
    "firmware/core/settled.py",
    "firmware/drivers/__init__.py",
    "firmware/drivers/ticks.py",
    "firmware/net/__init__.py",
    "firmware/net/mqtt_packets.py",
)


def test_micropython_compares_and_packs_as_cpython_does():
    here = on_cpython(CHECK)
    assert on_micropython(CHECK, MODULES) == here
    assert here.splitlines()[:2] == ["True False", "True False False"]
