"""The serial board: MicroPython (WebAssembly port, in Node.js) behind a real pty, driven with
mpremote's SerialTransport over pyserial exactly as an installer drives a board on /dev/ttyUSB0.
Its flash is a host folder that survives resets; the bundle written there boots and comes online
against the real Mosquitto."""

import contextlib
import hashlib
import shutil
import signal

import pytest
from mpremote.transport import TransportError, TransportExecError
from mpremote.transport_serial import SerialTransport

from fleet.firmware_build import board_config, build
from simulator.serial_board import BoardFailed, SerialBoard, silent_port
from simulator.wasm_board import node_ready

pytestmark = pytest.mark.skipif(not node_ready(), reason="Node.js or node_modules missing")

PAYLOAD = bytes((i * 7 + 3) % 256 for i in range(10 * 1024))  # 10 KB, every byte value
KEY = "11" * 32


@pytest.fixture
def serial_board(tmp_path):
    boards = []

    def start(flash=None, **options):
        board = SerialBoard(flash or tmp_path / "flash", tmp_path / "work", **options).start()
        boards.append(board)
        return board

    yield start
    for board in boards:
        board.stop()


@pytest.fixture
def transports():
    opened = []

    def open_port(port):
        transport = SerialTransport(port, baudrate=115200)
        opened.append(transport)
        return transport

    yield open_port
    for transport in opened:
        with contextlib.suppress(OSError):  # EIO: the board behind it is gone (unplugged)
            transport.close()


def bundle(tmp_path, mosquitto, locker_id="SER-1"):
    config = board_config(locker_id, KEY, [(1, "S"), (2, "M")], "127.0.0.1", mosquitto.port)
    build("esp32", tmp_path / "bundle", config)
    return tmp_path / "bundle"


def test_an_empty_flash_sits_at_the_repl_and_mpremote_runs_code_on_it(serial_board, transports):
    board = serial_board()
    assert board.wait_repl(20) == "friendly"
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    assert transport.exec("print(6 * 7)").strip() == b"42"
    assert transport.use_raw_paste  # the board took it in raw-paste mode, as an ESP32 does
    assert transport.eval("1 + 1") == 2
    with pytest.raises(TransportExecError, match="ZeroDivisionError"):
        transport.exec("1 / 0")
    assert transport.exec("") == b""
    assert not board.running_firmware


def test_a_board_without_raw_paste_is_served_by_the_standard_raw_repl(serial_board, transports):
    board = serial_board()
    board.wait_repl(20)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    transport.use_raw_paste = False
    assert transport.exec("print('x' * 600)").strip() == b"x" * 600


def test_files_go_in_and_come_out_byte_exact_and_the_board_hashes_them(serial_board, transports):
    board = serial_board()
    board.wait_repl(20)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    transport.fs_mkdir("lib")
    transport.fs_writefile("lib/blob.bin", PAYLOAD)
    assert transport.fs_readfile("lib/blob.bin") == PAYLOAD
    on_board = transport.eval(
        "__import__('binascii').hexlify("
        "__import__('hashlib').sha256(open('lib/blob.bin', 'rb').read()).digest())"
    )
    assert on_board.decode() == hashlib.sha256(PAYLOAD).hexdigest()


def test_the_flash_reports_its_size_and_what_is_left_as_a_board_does(serial_board, transports):
    board = serial_board(flash_bytes=1024 * 1024)
    board.wait_repl(20)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    statvfs = "tuple(__import__('os').statvfs('.'))"
    before = transport.eval(statvfs)
    transport.fs_writefile("blob.bin", PAYLOAD)  # 10 KB: three 4 KB blocks
    after = transport.eval(statvfs)
    assert (before[0], before[2]) == (4096, 256)
    assert before[3] - after[3] == 3


def test_a_machine_reset_keeps_the_flash_and_a_soft_reset_says_so(
    serial_board, transports, tmp_path
):
    board = serial_board()
    board.wait_repl(20)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    transport.fs_writefile("kept.bin", PAYLOAD)
    transport.exec_raw_no_follow("import machine; machine.reset()")
    board.wait_resets(1, 20)
    assert board.wait_repl(20) == "friendly"
    assert (tmp_path / "flash" / "kept.bin").read_bytes() == PAYLOAD  # written back at reset
    transport.enter_raw_repl(soft_reset=True)  # Ctrl-D: "MPY: soft reboot", back to raw
    assert board.resets == 2
    assert transport.fs_readfile("kept.bin") == PAYLOAD
    assert transport.eval("__import__('machine').unique_id()") == b"\x24\x0a\xc4\x5e\x1b\x01"
    transport.exec("import os; os.remove('kept.bin')")
    transport.close()
    board.stop()
    assert not (tmp_path / "flash" / "kept.bin").exists()  # the flash is a mirror


def test_a_corrupt_flash_returns_a_flipped_byte_to_the_board_and_to_mpremote(
    serial_board, transports
):
    board = serial_board(corrupt_writes_to="firmware/core/controller.mpy")
    board.wait_repl(20)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    transport.fs_mkdir("firmware")
    transport.fs_mkdir("firmware/core")
    transport.fs_writefile("firmware/core/controller.mpy", PAYLOAD)
    transport.fs_writefile("firmware/core/other.mpy", PAYLOAD)
    read_back = transport.fs_readfile("firmware/core/controller.mpy")
    assert read_back != PAYLOAD and len(read_back) == len(PAYLOAD)
    assert sum(a != b for a, b in zip(read_back, PAYLOAD)) == 1
    assert transport.fs_readfile("firmware/core/other.mpy") == PAYLOAD
    on_board = transport.eval(
        "__import__('hashlib').sha256(open('firmware/core/controller.mpy', 'rb').read()).digest()"
    )
    assert on_board == hashlib.sha256(read_back).digest()


def test_a_port_with_nothing_on_it_gives_mpremote_no_raw_repl():
    port, close = silent_port()
    try:
        transport = SerialTransport(port, baudrate=115200)
        with pytest.raises(TransportError, match="could not enter raw repl"):
            transport.enter_raw_repl(soft_reset=False, timeout_overall=1)
        transport.close()
    finally:
        close()


def test_the_bundle_in_the_flash_boots_comes_online_and_is_interrupted_by_mpremote(
    serial_board, transports, mosquitto, tmp_path
):
    shutil.copytree(bundle(tmp_path, mosquitto), tmp_path / "flash")
    board = serial_board()
    assert board.wait_booted(30)["booted"] == "SER-1"
    board.wait_until(lambda c: c.is_online(), 20, "online")
    assert board.running_firmware
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)  # \r\x03: the firmware stops, the REPL answers
    assert not board.running_firmware
    assert transport.eval("len(__import__('os').listdir('firmware'))") > 0
    transport.exec_raw_no_follow("import machine; machine.reset()")
    board.wait_resets(1, 20)
    board.wait_booted(30)  # the reset boots the flash's main.py again
    board.wait_until(lambda c: c.is_online(), 20, "online again")
    transport.enter_raw_repl(soft_reset=False)  # a second install run can interrupt it too
    assert transport.eval("2 + 2") == 4
    transport.exit_raw_repl()
    transport.serial.write(b"\x04")  # Ctrl-D at the friendly prompt: soft reboot, main.py runs
    board.wait_resets(2, 20)
    board.wait_booted(30)
    assert b"MPY: soft reboot\r\n" in transport.read_until(1, b"soft reboot\r\n", timeout=5)


def test_the_watchdog_resets_an_interrupted_board_unless_the_install_lock_holds_it(
    serial_board, transports, mosquitto, tmp_path
):
    shutil.copytree(bundle(tmp_path, mosquitto), tmp_path / "flash")
    board = serial_board(watchdog_ms=1500)
    board.wait_booted(30)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)  # the firmware stops; its watchdog does not
    board.wait_resets(1, 20)  # nothing feeds it at the REPL: as an ESP32, the board resets
    board.wait_booted(30)
    transport.enter_raw_repl(soft_reset=False)
    transport.exec("open('install.lock', 'w').write('held')")  # what `locker install` does
    transport.exec_raw_no_follow("import machine; machine.reset()")
    board.wait_resets(2, 20)
    assert board.wait_repl(30) == "friendly"  # held: main.py does not run, no watchdog
    transport.close()
    with pytest.raises(TimeoutError):
        board.wait_resets(3, 3)
    assert not board.running_firmware


def test_a_firmware_that_fails_at_boot_leaves_its_traceback_and_the_repl(
    serial_board, transports, tmp_path
):
    (tmp_path / "flash").mkdir()
    (tmp_path / "flash" / "main.py").write_text("import machine\n")  # and no bundle beside it
    board = serial_board()
    with pytest.raises(BoardFailed, match="no module named .board_profile."):
        board.wait_booted(30)
    assert board.wait_repl(20) == "friendly"
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    assert transport.eval("sorted(__import__('os').listdir())") == ["main.py"]


def test_a_board_killed_with_sigterm_writes_its_flash_back_first(
    serial_board, transports, tmp_path
):
    board = serial_board()
    board.wait_repl(20)
    transport = transports(board.port)
    transport.enter_raw_repl(soft_reset=False)
    transport.fs_writefile("written.txt", b"kept")
    board.process.send_signal(signal.SIGTERM)
    assert board.process.wait(10) == 0
    assert (tmp_path / "flash" / "written.txt").read_bytes() == b"kept"
