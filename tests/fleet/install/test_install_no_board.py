"""`locker install` on a serial port where nothing answers: a real pty with no board behind
it ends with one clear line, the commands that put MicroPython on, and the probe's exit code."""

import io
import os
import subprocess
import sys
import tty
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_port_with_nothing_on_it_says_how_to_put_micropython_on(tmp_path):
    silent, port = os.openpty()  # the host side stays open and never answers
    tty.setraw(port)
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "locker.cli",
                "install",
                "L-SILENT",
                "--board",
                "esp32",
                "--port",
                os.ttyname(port),
                "--api",
                "http://127.0.0.1:9",
                "--broker",
                "mqtt://127.0.0.1:1883",
                "--identity-dir",
                str(tmp_path / "id"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(port)
        os.close(silent)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "install failed at probe: no MicroPython answers on /dev/pts/" in result.stdout
    assert "esptool --chip esp32" in result.stdout and "write-flash 0x1000" in result.stdout
    assert not (tmp_path / "id").exists()  # nothing provisioned


def test_a_bad_image_is_refused_before_the_port_is_opened(tmp_path):
    image = tmp_path / "ESP32_GENERIC.bin"
    image.write_bytes(b"PK\x03\x04" + bytes(400 * 1024))  # a zip, not a firmware image
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "install",
            "L-IMG",
            "--board",
            "esp32",
            "--port",
            str(tmp_path / "no-such-port"),
            "--api",
            "http://127.0.0.1:9",
            "--micropython-image",
            str(image),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert (
        "install failed at image:" in result.stdout and "does not start with 0xE9" in result.stdout
    )


class ListedPort:
    """A pyserial list_ports record for one port."""

    def __init__(self, device, vid, pid):
        self.device, self.vid, self.pid, self.description = device, vid, pid, "Board in FS mode"


def test_locker_boards_says_when_a_board_does_not_answer():
    from rich.console import Console

    from locker.install_command import list_boards

    silent, port = os.openpty()
    tty.setraw(port)
    out = io.StringIO()
    try:
        code = list_boards(
            ports=[ListedPort(os.ttyname(port), 0x2E8A, 0x0005)],
            console=Console(file=out, width=200),
        )
    finally:
        os.close(port)
        os.close(silent)
    assert code == 0
    assert "2E8A:0005" in out.getvalue() and "no answer" in out.getvalue()
    assert list_boards(ports=[], console=Console(file=io.StringIO())) == 1
