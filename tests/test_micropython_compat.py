"""Every file that runs on MicroPython compiles for it and uses no syntax it lacks."""

import pytest

from tests.support.micropython import ON_MICROPYTHON, ROOT, compile_mpy, later_syntax


def test_the_firmware_is_among_them():
    assert ROOT / "firmware" / "core" / "controller.py" in ON_MICROPYTHON
    assert ROOT / "firmware" / "main.py" in ON_MICROPYTHON


@pytest.mark.parametrize("path", ON_MICROPYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_mpy_cross_compiles(path, tmp_path):
    result = compile_mpy(path, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", ON_MICROPYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_uses_no_syntax_micropython_lacks(path):
    assert later_syntax(path) == []
