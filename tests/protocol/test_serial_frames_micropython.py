"""The framing on the real MicroPython (WebAssembly port under Node.js) gives exactly what it
gives on CPython: the same frames out of the same noisy line in every chunking."""

from pathlib import Path

from tests.support.wasm_script import on_cpython, on_micropython

CHECK = Path(__file__).with_name("frames_check.py")
MODULES = ("protocol/__init__.py", "protocol/serial_frames.py")


def test_micropython_decodes_the_line_as_cpython_does():
    here = on_cpython(CHECK)
    assert on_micropython(CHECK, MODULES) == here
    assert "1000 5 2 " in here  # five frames found, the flipped one and the noise refused
