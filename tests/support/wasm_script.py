"""One script on the real MicroPython (the WebAssembly port under Node.js, through
simulator/wasm/run_script.mjs) and on CPython, to compare what each prints."""

import asyncio
import contextlib
import io
import runpy
import subprocess
from pathlib import Path

import pytest

from simulator.wasm_board import node_ready

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "simulator" / "wasm" / "run_script.mjs"


def on_micropython(script, modules):
    """What `script` prints on MicroPython, with `modules` (paths from the repository root)
    copied in; an async main() it defines is awaited."""
    if not node_ready():
        pytest.fail("Node.js and simulator/wasm/node_modules are missing: run `make test`")
    result = subprocess.run(
        ["node", str(RUNNER), str(script)] + ["%s=%s" % (ROOT / m, m) for m in modules],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def on_cpython(script):
    """What `script` prints here, run the same way."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = runpy.run_path(str(script))
        if "main" in namespace:
            asyncio.run(namespace["main"]())
    return out.getvalue()
