"""Talking to a board over its serial port: MicroPython's raw REPL through mpremote's
SerialTransport (pyserial underneath), MicroPython's own tool, rather than the protocol
written again. Each method is one short script run on the board."""

import binascii
import contextlib
import io
import json
import time

from mpremote.transport import TransportError, TransportExecError
from mpremote.transport_serial import SerialTransport

# firmware/main.py's INSTALL_LOCK: while it is there the board boots to the REPL, firmware off
INSTALL_LOCK = "install.lock"
INSTALL_HOLD = """
with open(%(lock)r, 'w') as f:
    f.write('locker install is writing this board: remove this file to run main.py')
"""
# Runs on the board: what it is, how much flash is free, whether ROMFS is there, its config.
PROBE = """
import sys, os
r = {'version': '.'.join(str(n) for n in sys.implementation.version[:3]),
     'platform': sys.platform, 'machine': getattr(sys.implementation, '_machine', '')}
try:
    s = os.statvfs('.')
    r['free'] = s[0] * s[3]
except Exception:
    r['free'] = None
r['romfs'] = 0
try:
    import vfs
    if hasattr(vfs, 'rom_ioctl') and vfs.rom_ioctl(1) > 0:
        d = vfs.rom_ioctl(2, 0)
        r['romfs'] = d.ioctl(4, 0) * d.ioctl(5, 0) if hasattr(d, 'ioctl') else len(d)
except Exception:
    pass
try:
    with open('config.json') as f:
        r['config'] = f.read()
except OSError:
    r['config'] = None
r['main'] = 'main.py' in os.listdir()
print(repr(r))
"""
LIST = """
import os
def _walk(d):
    for e in os.ilistdir(d or '.'):
        p = d + '/' + e[0] if d else e[0]
        if e[1] & 0x4000:
            _walk(p)
        else:
            print(e[3] if len(e) > 3 else -1, p)
_walk('')
"""
HASH = """
import hashlib, binascii
b = bytearray(1024)
for p in %r:
    try:
        f = open(p, 'rb')
    except OSError:
        continue
    h = hashlib.sha256()
    while True:
        n = f.readinto(b)
        if not n:
            break
        h.update(memoryview(b)[:n])
    f.close()
    print(p, binascii.hexlify(h.digest()).decode())
"""
MAKE_FOLDERS = """
import os
for p in %r:
    try:
        os.mkdir(p)
    except OSError:
        pass
"""
RENAME = """
import os
try:
    os.rename(%(part)r, %(path)r)
except OSError:
    os.remove(%(path)r)
    os.rename(%(part)r, %(path)r)
"""
# Closes the file being written, hashes it on the board and, if right and asked, renames it
# over its real name: one round trip per file where a file fits one chunk.
FINISH = """
f.close()
import hashlib, binascii
h = hashlib.sha256()
b = bytearray(1024)
with open(%(part)r, 'rb') as g:
    while True:
        n = g.readinto(b)
        if not n:
            break
        h.update(memoryview(b)[:n])
d = binascii.hexlify(h.digest()).decode()
if %(rename)r and d == %(expected)r:
%(rename_code)s
print(d)
"""
REMOVE_EMPTY_FOLDERS = """
import os
for p in %r:
    try:
        os.rmdir(p)
    except OSError:
        pass
"""
ROM_HASH = """
import vfs, hashlib, binascii
print(binascii.hexlify(hashlib.sha256(memoryview(vfs.rom_ioctl(2, 0))[:%d]).digest()).decode())
"""
RESET = "import time, machine; time.sleep_ms(100); machine.reset()"
PART = ".part"  # a file being written: renamed over its real name once checked


class NoBoard(Exception):
    """Nothing answers on the port (no MicroPython, wrong port, board busy)."""


class BoardLink:
    """The raw REPL on one serial port; `with BoardLink(port) as board: board.probe()`."""

    chunk_bytes = 2048  # per raw-REPL exec: base64 of it stays well under the paste window
    answer_s = 5  # how long a board may take to show the raw REPL prompt

    def __init__(self, port):
        self.port = port
        self.transport = None

    def __enter__(self):
        if self.transport is None:
            self.open()
        return self

    def open(self):
        """Open the port and enter the raw REPL; NoBoard if nothing answers."""
        try:
            # timeout: pyserial's read must not block forever on a pty that stays silent
            self.transport = SerialTransport(self.port, timeout=2)
            with _quiet():  # mpremote prints what it got before raising: keep one clear line
                self.transport.enter_raw_repl(soft_reset=False, timeout_overall=self.answer_s)
        except (TransportError, OSError) as error:
            self.close()
            raise NoBoard(str(error) or "no answer") from None
        return self

    def read(self, path):
        """A board file's bytes."""
        return bytes(self.transport.fs_readfile(path, chunk_size=1024))

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.transport is not None:
            with contextlib.suppress(OSError, TransportError):
                self.transport.close()
            self.transport = None

    def run(self, script):
        """The script's printed output (str); TransportExecError if it raised on the board."""
        return self.transport.exec(script).decode()

    def probe(self):
        facts = eval_literal(self.run(PROBE))
        config = facts.pop("config")
        try:
            facts["config"] = json.loads(config) if config else None
        except ValueError:
            facts["config"] = None  # an unreadable config.json is as good as none: rewritten
        return facts

    def files(self):
        """{path: size in bytes (-1 where the port does not say)} of every file on the board."""
        found = {}
        for line in self.run(LIST).splitlines():
            size, _, path = line.partition(" ")
            if path:
                found[path] = int(size)
        return found

    def hashes(self, paths):
        """{path: sha256 hex} of those of `paths` that exist on the board, hashed there."""
        found = {}
        for line in self.run(HASH % (list(paths),)).splitlines():
            path, _, digest = line.rpartition(" ")
            if path:
                found[path] = digest
        return found

    def make_folders(self, paths):
        folders = sorted(
            {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 1)}
        )
        if folders:
            self.run(MAKE_FOLDERS % (folders,))

    def write_part(self, path, data, expected, rename):
        """Write `data` to path + ".part" and hash it there; if its sha256 is `expected` and
        `rename`, rename it over `path`. Returns the sha256 the board found."""
        part = path + PART
        chunks = [data[at : at + self.chunk_bytes] for at in range(0, len(data), self.chunk_bytes)]
        opening = "from binascii import a2b_base64\nf = open(%r, 'wb')\n" % part
        for chunk in chunks[:-1]:
            self.run(opening + "f.write(a2b_base64(%r))" % _base64(chunk))
            opening = ""
        last = "f.write(a2b_base64(%r))\n" % _base64(chunks[-1]) if chunks else ""
        finish = FINISH % {
            "part": part,
            "expected": expected,
            "rename": bool(rename),
            "rename_code": _indented(RENAME % {"part": part, "path": path}),
        }
        return self.run(opening + last + finish).strip().splitlines()[-1]

    def rename(self, part, path):
        self.run(RENAME % {"part": part, "path": path})

    def remove(self, paths):
        for path in paths:
            self.run("import os\nos.remove(%r)" % path)
        folders = {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 1)}
        if folders:  # deepest first; a folder still holding files stays
            self.run(REMOVE_EMPTY_FOLDERS % (sorted(folders, key=len, reverse=True),))

    def rom_hash(self, length):
        return self.run(ROM_HASH % length).strip()

    def resume(self):
        """Leave the raw REPL and soft-reboot (Ctrl-D): main.py runs again, as before the
        probe stopped it; the link is closed after."""
        with contextlib.suppress(TransportError, OSError):
            self.transport.exit_raw_repl()
            self.transport.serial.write(b"\x04")
        self.close()

    def hold(self, timeout_s=30):
        """Keep the board at the REPL until release(): the install lock that firmware/main.py
        honours, then a reset, so the firmware (and its watchdog, which an ESP32 cannot stop
        and which would reset the board under the installer) does not start again. The link
        is open again on the board's fresh REPL when this returns."""
        self.run(INSTALL_HOLD % {"lock": INSTALL_LOCK})
        self.reset()
        deadline = time.monotonic() + timeout_s
        while True:  # a Pico W's USB port goes away with the reset and comes back
            try:
                return self.open()
            except NoBoard:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def release(self):
        """Remove the install lock: at the next reset the firmware runs."""
        self.run("import os\ntry:\n    os.remove(%r)\nexcept OSError:\n    pass" % INSTALL_LOCK)

    def reset(self):
        """machine.reset(), as mpremote's `reset` does; the link is closed after."""
        with contextlib.suppress(TransportError, OSError):
            self.transport.exec_raw_no_follow(RESET)
        self.close()


def _base64(data):
    return binascii.b2a_base64(data, newline=False)


def _indented(code):
    return "\n".join("    " + line for line in code.strip().splitlines())


def eval_literal(text):
    import ast

    return ast.literal_eval(text.strip())


@contextlib.contextmanager
def _quiet():
    with contextlib.redirect_stdout(io.StringIO()):
        yield


__all__ = ["BoardLink", "NoBoard", "TransportExecError"]
