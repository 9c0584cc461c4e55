"""Every board profile covers the one logical map with GPIOs its chip allows, and the
expander map gives each of the 24 compartments a lock and a door on pins of their own."""

import ast
import importlib
import pathlib

import pytest

from firmware.drivers.mcp23017 import Mcp23017
from hardware.profiles import chips, logical
from tests.firmware.drivers.fakes import FakeI2c, FakeMcp23017

PROFILES = pathlib.Path(__file__).resolve().parents[2] / "hardware" / "profiles"
SHARED = {"__init__", "chips", "logical"}
BOARDS = [
    importlib.import_module("hardware.profiles." + path.stem)
    for path in sorted(PROFILES.glob("*.py"))
    if path.stem not in SHARED
]


def board_ids(board):
    return board.__name__.rsplit(".", 1)[1]


def test_the_supported_boards_are_there():
    assert {board_ids(b) for b in BOARDS} >= {"esp32_devkitc", "pico_w"}


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_a_board_declares_its_name_chip_and_buses(board):
    assert isinstance(board.NAME, str) and board.NAME
    chip = chips.CHIPS[board.CHIP]
    assert board.UART_ID in chip["uart_ids"] and board.UART_ID != chip["console_uart"]
    assert board.I2C_ID in chip["i2c_ids"]


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_a_board_covers_every_logical_name_and_no_other(board):
    assert set(board.PINS) == set(logical.ON_CHIP)


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_a_board_uses_no_gpio_twice(board):
    gpios = list(board.PINS.values())
    assert len(gpios) == len(set(gpios)), sorted(gpios)


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_a_board_uses_only_gpios_its_chip_has(board):
    chip = chips.CHIPS[board.CHIP]
    assert all(type(g) is int and g in chip["gpios"] for g in board.PINS.values())


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_a_board_avoids_forbidden_and_strapping_pins(board):
    chip = chips.CHIPS[board.CHIP]
    used = {
        name: g
        for name, g in board.PINS.items()
        if g in chip["forbidden"] or g in chip["strapping"]
    }
    assert not used


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_no_output_is_on_an_input_only_pin(board):
    chip = chips.CHIPS[board.CHIP]
    assert not [name for name in logical.OUTPUTS if board.PINS[name] in chip["input_only"]]


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_inputs_that_need_the_internal_pull_up_have_one(board):
    chip = chips.CHIPS[board.CHIP]
    assert not [name for name in logical.PULLED_UP if board.PINS[name] in chip["no_pull"]]


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_the_uart_and_i2c_pins_can_carry_those_peripherals(board):
    chip = chips.CHIPS[board.CHIP]
    if chip["uart_pins"] is not None:
        uart = chip["uart_pins"][board.UART_ID]
        assert board.PINS["scanner_tx"] in uart["tx"]
        assert board.PINS["scanner_rx"] in uart["rx"]
    if chip["i2c_pins"] is not None:
        i2c = chip["i2c_pins"][board.I2C_ID]
        assert board.PINS["i2c_sda"] in i2c["sda"]
        assert board.PINS["i2c_scl"] in i2c["scl"]


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_the_wired_link_uart_is_free_and_can_carry_a_uart(board):
    chip = chips.CHIPS[board.CHIP]
    tx, rx = board.LINK_PINS["tx"], board.LINK_PINS["rx"]
    assert board.LINK_UART_ID in chip["uart_ids"]
    assert board.LINK_UART_ID not in (board.UART_ID, chip["console_uart"])
    assert tx != rx and not {tx, rx} & set(board.PINS.values())
    assert not {tx, rx} & set(chip["forbidden"] + chip["strapping"])
    assert {tx, rx} <= set(chip["gpios"]) and tx not in chip["input_only"]
    if chip["uart_pins"] is not None:
        assert tx in chip["uart_pins"][board.LINK_UART_ID]["tx"]
        assert rx in chip["uart_pins"][board.LINK_UART_ID]["rx"]


def test_the_chip_tables_are_consistent():
    for chip in chips.CHIPS.values():
        for key in ("forbidden", "strapping", "input_only", "no_pull"):
            assert set(chip[key]) <= set(chip["gpios"]), key
    assert set(chips.ESP32["forbidden"]) >= {6, 7, 8, 9, 10, 11}
    assert set(chips.ESP32["strapping"]) == {0, 2, 5, 12, 15}
    assert set(chips.ESP32["input_only"]) >= {34, 35, 36, 39}
    assert set(chips.RP2040["forbidden"]) == {23, 24, 25, 29}


def test_the_logical_groups_name_on_chip_signals():
    assert len(set(logical.ON_CHIP)) == len(logical.ON_CHIP)
    assert set(logical.OUTPUTS) <= set(logical.ON_CHIP)
    assert set(logical.PULLED_UP) <= set(logical.ON_CHIP)
    assert not set(logical.OUTPUTS) & set(logical.PULLED_UP)
    assert {"keypad_row_%d" % i for i in range(4)} <= set(logical.OUTPUTS)
    assert {"keypad_col_%d" % i for i in range(4)} <= set(logical.PULLED_UP)


def test_the_expanders_carry_24_locks_and_24_doors():
    names = set(logical.EXPANDER_PINS)
    assert names == ({"lock_%d" % n for n in range(1, 25)} | {"door_%d" % n for n in range(1, 25)})


def test_no_expander_pin_is_used_twice_and_each_is_real():
    places = list(logical.EXPANDER_PINS.values())
    assert len(places) == len(set(places)) == 48
    assert all(chip in (0x20, 0x21, 0x22) and 0 <= pin <= 15 for chip, pin in places)


def test_each_chip_serves_eight_whole_compartments():
    for n in range(1, 25):
        lock_chip, _ = logical.EXPANDER_PINS["lock_%d" % n]
        door_chip, _ = logical.EXPANDER_PINS["door_%d" % n]
        assert lock_chip == door_chip == logical.EXPANDER_ADDRESSES[(n - 1) // 8]


def test_the_expander_map_works_with_the_driver():
    """Every lock becomes an output and every door an input: the driver refuses a door on
    GPA7/GPB7, which the MCP23017 cannot read safely."""
    i2c = FakeI2c()
    expanders = {}
    for address in logical.EXPANDER_ADDRESSES:
        i2c.attach(address, FakeMcp23017())
        expanders[address] = Mcp23017(i2c, address)
    for name, (address, pin) in logical.EXPANDER_PINS.items():
        expanders[address].pin(pin, output=name.startswith("lock_"))
    for address, chip in i2c.devices.items():
        assert [chip.is_output(p) for p in range(16)] == [False] * 4 + [True] * 4 + [False] * 4 + [
            True
        ] * 4


PROFILE_FILES = sorted(PROFILES.glob("*.py"))


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.name)
def test_profiles_import_nothing_so_a_board_file_can_be_copied_alone(path):
    tree = ast.parse(path.read_text())
    later_syntax = (
        ast.Import,
        ast.ImportFrom,
        ast.JoinedStr,
        ast.NamedExpr,
        ast.Match,
        ast.AnnAssign,
    )
    assert not [type(n).__name__ for n in ast.walk(tree) if isinstance(n, later_syntax)]


README = PROFILES.parent / "README.md"


def readme_rows(heading):
    """The cells of the table rows under a README heading, up to the next heading."""
    lines = README.read_text().splitlines()
    rows = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("| ") and not line.startswith("| ---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header row


@pytest.mark.parametrize("board", BOARDS, ids=board_ids)
def test_the_readme_pin_table_matches_the_profile(board):
    rows = readme_rows("### " + board.NAME)
    assert {row[0]: int(row[1]) for row in rows} == board.PINS
    assert len(rows) == len(board.PINS)


def expander_pin(label):
    """ "GPA4 (pin 25)" -> 4, "GPB3 (pin 4)" -> 11."""
    name = label.split()[0]
    return int(name[3]) + (8 if name[2] == "B" else 0)


def test_the_readme_compartment_map_matches_the_logical_map():
    rows = readme_rows("### Compartment map (from `profiles/logical.py`)")
    assert len(rows) == logical.COMPARTMENTS
    for number, chip, lock, door in rows:
        address = int(chip, 16)
        assert logical.EXPANDER_PINS["lock_" + number] == (address, expander_pin(lock))
        assert logical.EXPANDER_PINS["door_" + number] == (address, expander_pin(door))
        assert lock.endswith("(pin %d)" % dip_pin(expander_pin(lock)))
        assert door.endswith("(pin %d)" % dip_pin(expander_pin(door)))


def dip_pin(n):
    """The MCP23017 DIP-28 package pin of expander pin n: GPB0-7 are 1-8, GPA0-7 are 21-28."""
    return 21 + n if n < 8 else n - 7
