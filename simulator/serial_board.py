"""A MicroPython board on a serial port, for the installer's tests: there is no board here.

The board is MicroPython's WebAssembly port in Node.js (simulator/wasm/serial_board.mjs) whose
REPL sits behind a real pseudo-terminal: `board.port` is opened with pyserial (mpremote, the
installer) exactly as /dev/ttyUSB0 would be. Its flash is a host folder. Once the firmware it was
given runs, it is driven like a WasmBoard (press, open_door, wait_until, ...).

    board = SerialBoard(flash_dir, workdir).start()
    board.wait_repl()           # an empty flash: the board sits at the REPL
    ... mpremote / locker install --port board.port ...
    board.wait_booted()         # after a reset, the bundle written to the flash runs
"""

import os
import shutil
import subprocess
import tempfile
import threading
import tty
from pathlib import Path

from simulator.wasm_board import ROOT, WASM, BoardView, WasmBoard, _Panel

# What stands in for main.py and the `machine` module, copied to /sim on the board
SIM_FILES = (
    WASM / "harness.py",
    WASM / "bench.py",
    WASM / "machine.py",
    ROOT / "simulator" / "virtual_bank.py",
)


class BoardFailed(RuntimeError):
    """The firmware on the board raised, or the board refused a command."""


def serial_device(pty_path, folder):
    """A name for the pty as a USB serial port has one. mpremote reads a /dev/pts/* device with
    a blocking read(1), so its timeouts never fire there; by this name it polls the port as it
    polls /dev/ttyUSB0, and a board that does not answer ends in its TransportError."""
    link = Path(folder) / "ttyUSB0"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(pty_path)
    return str(link)


def silent_port():
    """A serial port with nothing on it: a pty pair whose master end nobody serves.
    Returns (port path, close)."""
    master, slave = os.openpty()
    tty.setraw(slave)
    folder = tempfile.mkdtemp(prefix="silent-port-")
    port = serial_device(os.ttyname(slave), folder)

    def close():
        os.close(master)
        os.close(slave)
        shutil.rmtree(folder, ignore_errors=True)

    return port, close


class SerialBoard(WasmBoard):
    def __init__(
        self,
        flash_dir,
        workdir,
        heap=1024 * 1024,
        corrupt_writes_to=None,
        flash_bytes=2 * 1024 * 1024,
        watchdog_ms=None,
    ):
        """`corrupt_writes_to`: a path in the flash whose first byte reads back flipped (a
        failing flash); `flash_bytes`: the flash's size as os.statvfs() reports it;
        `watchdog_ms`: the firmware's watchdog, which resets a board whose firmware was
        interrupted to the REPL this long after (main.py's WATCHDOG_MS on a board)."""
        self.flash_dir, self.workdir = Path(flash_dir), Path(workdir)
        self.heap, self.corrupt_writes_to = heap, corrupt_writes_to
        self.flash_bytes, self.watchdog_ms = flash_bytes, watchdog_ms
        self.locker_id = "serial board"
        self.port, self.pty, self.process, self.resets = None, None, None, 0
        self.running_firmware, self.at_repl = False, None
        self.pulsed, self.panel, self.observations = [], _Panel(), []
        self.controller = BoardView({})
        self._changed = threading.Condition()
        self._boot_index = 0

    def start(self):
        self.flash_dir.mkdir(parents=True, exist_ok=True)
        sim = self.workdir / "sim"
        sim.mkdir(parents=True, exist_ok=True)
        for source in SIM_FILES:
            shutil.copy(source, sim / source.name)
        master, slave = os.openpty()
        tty.setraw(slave)  # a serial line: no echo, no line editing, bytes as they come
        self.pty = os.ttyname(slave)
        self.port = serial_device(self.pty, self.workdir)
        self._log = open(self.workdir / "serial_board.log", "w+")
        command = ["node", "--expose-gc", str(WASM / "serial_board.mjs"), "--pty", str(master)]
        command += ["--flash", str(self.flash_dir), "--sim", str(sim), "--heap", str(self.heap)]
        command += ["--flash-bytes", str(self.flash_bytes)]
        if self.watchdog_ms:
            command += ["--watchdog-ms", str(self.watchdog_ms)]
        if self.corrupt_writes_to:
            command += ["--corrupt", str(self.corrupt_writes_to)]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
                text=True,
                bufsize=1,
                pass_fds=(master,),
            )
        finally:
            os.close(master)
        # The slave stays open here as long as the board lives: a pty whose slave end nobody
        # holds gives its master EIO, where a USB port would simply wait for a host.
        self._slave = slave
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _exit_reason(self):
        self._log.seek(0)
        return self._log.read()[-2000:]

    def _take(self, observation):
        super()._take(observation)
        if "booting" in observation:
            self._boot_index = len(self.observations) - 1
            self.controller = BoardView({})  # a fresh interpreter knows nothing yet
            self.running_firmware, self.at_repl = False, None
        if "reset" in observation:
            self.resets = observation["reset"]
        if "booted" in observation:
            self.locker_id = observation["booted"]
        if observation.get("firmware") == "started":
            self.running_firmware = True
        if "repl" in observation:
            self.running_firmware, self.at_repl = False, observation["repl"]

    # --- waiting for the board ----------------------------------------------------------------
    def wait_booted(self, timeout=30.0):
        """The firmware of the latest boot is up (the harness said "booted")."""

        def booted(observation):
            if observation.get("firmware") == "failed":
                raise BoardFailed("the firmware failed: %s" % observation["error"])
            if "repl" in observation:
                raise BoardFailed("the board booted to the REPL: no main.py in its flash")
            return "booted" in observation

        return self.wait_for(booted, timeout, "firmware boot", start=self._boot_index)

    def wait_repl(self, timeout=30.0):
        """The board sits at its REPL (friendly or raw)."""
        self.wait_for(lambda o: self.at_repl is not None, timeout, "REPL", start=0)
        return self.at_repl

    def wait_resets(self, count, timeout=30.0):
        """At least `count` resets since the board was plugged in."""
        self.wait_for(lambda o: self.resets >= count, timeout, "%d resets" % count, start=0)

    def command(self, timeout=20.0, **command):
        seen = super().command(timeout, **command)
        for observation in seen:
            if "refused" in observation:
                raise BoardFailed("the board refused %s: %s" % (command, observation["refused"]))
        return seen

    def stop(self):
        """Unplug the board: its flash is written back to the folder first."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.process.stdin.write('{"unplug": true}\n')
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self._slave is not None:
            os.close(self._slave)
            self._slave = None
        self._log.close()
