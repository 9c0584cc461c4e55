"""firmware/main.py, the few lines MicroPython compiles at every boot: an install lock holds the
board at the REPL, otherwise it starts the firmware (firmware/board/app.py) with `machine`."""

import runpy
from pathlib import Path

import pytest

MAIN = Path(__file__).resolve().parents[2] / "firmware" / "main.py"


def test_an_install_lock_holds_the_board_at_the_repl(tmp_path, monkeypatch, capsys):
    (tmp_path / "install.lock").write_text("locker install is writing this board")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(MAIN))
    assert capsys.readouterr().out == "held by locker install (install.lock): REPL only\n"


def test_without_the_lock_it_goes_for_the_hardware(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ImportError, match="machine"):  # CPython has none: a board does
        runpy.run_path(str(MAIN))
