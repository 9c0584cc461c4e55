"""The board's serial transport on the real MicroPython (WebAssembly port under Node.js), as
on CPython: OPEN, OPENED found after noise, DATA split at the bound, a reply read byte by byte,
CLOSE read as the end, a stale connection's frame answered with CLOSE."""

from pathlib import Path

from tests.support.wasm_script import on_cpython, on_micropython

CHECK = Path(__file__).with_name("serial_transport_check.py")
MODULES = (
    "protocol/__init__.py",
    "protocol/serial_frames.py",
    "firmware/__init__.py",
    "firmware/board/__init__.py",
    "firmware/board/serial_transport.py",
    "firmware/net/__init__.py",
    "firmware/net/aio.py",
)


def test_the_transport_runs_on_micropython_as_on_cpython():
    here = on_cpython(CHECK)
    assert on_micropython(CHECK, MODULES) == here
    assert here.splitlines() == [
        "board sent [(1, 1)]",
        "data frames [1024, 477]",
        "read b' \\x02\\x00\\x00' b''",
        "answered [(5, 9)]",
    ]
