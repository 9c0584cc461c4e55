# The `machine` module of the serial board (serial_board.mjs): the WebAssembly port has none.
# Only what mpremote and an installer call on a board's REPL: resets, the board's id, the cause
# of the last reset. Written in Python so that unique_id() is bytes, as on a board; the resets
# themselves are done by Node (JS module `board_host`): the flash is written back and a fresh
# interpreter boots.
import board_host

# the ESP32 port's values
PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

UNIQUE_ID = b"\x24\x0a\xc4\x5e\x1b\x01"  # a fixed 6-byte MAC-like id, as an ESP32 reports


def reset():
    board_host.reset()  # the board goes down once this REPL command returns


def soft_reset():
    board_host.soft_reset()


def unique_id():
    return UNIQUE_ID


def reset_cause():
    return board_host.reset_cause()


def freq():
    return 160000000
