"""The framing on the real MicroPython (WebAssembly port under Node.js) gives exactly what it
gives on CPython: the same frames out of the same noisy line in every chunking."""

import runpy
import subprocess
from pathlib import Path

import pytest

from simulator.wasm_board import node_ready

ROOT = Path(__file__).resolve().parents[2]
CHECK = Path(__file__).with_name("frames_check.py")
MODULES = ("protocol/__init__.py", "protocol/serial_frames.py")


def test_micropython_decodes_the_line_as_cpython_does(capsys):
    if not node_ready():
        pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
    runpy.run_path(str(CHECK))
    on_cpython = capsys.readouterr().out
    result = subprocess.run(
        ["node", str(ROOT / "simulator" / "wasm" / "run_script.mjs"), str(CHECK)]
        + ["%s=%s" % (ROOT / module, module) for module in MODULES],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == on_cpython
    assert "1000 5 2 " in on_cpython  # five frames found, the flipped one and the noise refused
