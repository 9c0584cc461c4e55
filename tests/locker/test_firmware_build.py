"""`locker firmware build`: what an installer copies to a board."""
import json
import subprocess
import sys

import pytest

from locker.firmware_build import BOARDS, board_config, build
from simulator.layout import parse_layout

KEY = "ab" * 32


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_the_bundle_holds_compiled_firmware_entry_points_profile_and_config(board, tmp_path):
    config = board_config("L-1", KEY, parse_layout("S8,M8,L8"), "10.0.0.2", 8883, "ssid", "pw")
    files = {str(f) for f in build(board, tmp_path, config)}
    assert {"main.py", "boot.py", "board_profile.mpy", "config.json", "firmware/core/controller.mpy",
            "firmware/net/mqtt_client.mpy", "firmware/board/runtime.mpy",
            "hardware/profiles/logical.mpy"} <= files
    assert not [f for f in files if f.endswith(".py") and f not in ("main.py", "boot.py")]
    written = json.loads((tmp_path / "config.json").read_text())
    assert written["board"] == board and written["broker"] == {"host": "10.0.0.2", "port": 8883}
    assert len(written["compartments"]) == 24


def test_an_unknown_board_or_a_key_that_is_not_hex_is_refused(tmp_path):
    with pytest.raises(ValueError):
        build("arduino", tmp_path, board_config("L-1", KEY, [(1, "S")], "h", 1883))
    with pytest.raises(ValueError):
        board_config("L-1", "not-hex", [(1, "S")], "h", 1883)


def test_the_command_line_builds_into_the_folder_given(tmp_path):
    result = subprocess.run([sys.executable, "-m", "locker.cli", "firmware", "build", "--board", "picow",
                             "--locker-id", "L-2", "--key", KEY, "--out", str(tmp_path / "fw")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fw" / "main.py").exists() and "picow" in result.stdout
