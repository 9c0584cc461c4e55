"""The board-only build (fleet/board_strip.py): it cuts what is listed and nothing else, the
build refuses a bundle in which anything left still needs what was cut, and the cut modules the
board runs still do their work."""

import json
import types
from pathlib import Path

import pytest

from fleet import board_strip
from fleet.firmware_build import ENTRY_POINTS, HARNESS, ROOT, board_config, board_sources, build
from protocol import wire

KEY = bytes(range(32))

SOURCE = """
LIMIT = 3
KINDS = {"small": 1, "large": 2, LIMIT: 3}


def kept():
    return KINDS["small"]


def cut():
    return "cloud only"


class Cut:
    pass
"""
STRIPPED = {"lib/tables.py": ("cut", "Cut")}
ENTRIES = {"lib/tables.py": {"KINDS": ("large", "LIMIT")}}


def module_from(text, name="cut_module"):
    module = types.ModuleType(name)
    exec(compile(text, name, "exec"), module.__dict__)
    return module


def test_strip_cuts_the_listed_defs_classes_and_dict_entries_and_keeps_the_rest():
    module = module_from(board_strip.strip("lib/tables.py", SOURCE, STRIPPED, ENTRIES))
    assert module.LIMIT == 3 and module.kept() == 1 and module.KINDS == {"small": 1}
    assert not hasattr(module, "cut") and not hasattr(module, "Cut")
    assert board_strip.strip("lib/other.py", SOURCE, STRIPPED, ENTRIES) == SOURCE  # untouched


def bundle(tmp_path, user_text, library=SOURCE):
    """A bundle of lib/tables.py and one user module that runs `user_text`."""
    (tmp_path / "tables.py").write_text(library)
    (tmp_path / "user.py").write_text(user_text)
    return [
        (tmp_path / "tables.py", Path("lib/tables.mpy")),
        (tmp_path / "user.py", Path("lib/user.mpy")),
    ]


@pytest.mark.parametrize(
    "user_text",
    [
        "from lib.tables import cut\n",  # an imported name
        "from lib import tables\ntables.Cut()\n",  # an attribute
        "def run():\n    return cut()\n",  # a name
        "def run(tables):\n    return getattr(tables, 'cut')\n",  # a whole string
    ],
)
def test_the_build_fails_when_a_module_left_in_the_bundle_uses_a_cut_name(tmp_path, user_text):
    with pytest.raises(board_strip.StripError, match="uses cut|uses Cut"):
        board_strip.check_bundle(bundle(tmp_path, user_text), [], STRIPPED, ENTRIES)


def test_the_build_fails_when_main_py_uses_a_cut_name(tmp_path):
    main = tmp_path / "main.py"
    main.write_text("from lib.tables import Cut\n")
    with pytest.raises(board_strip.StripError, match="main.py uses Cut"):
        board_strip.check_bundle(bundle(tmp_path, "X = 1\n"), [main], STRIPPED, ENTRIES)


def test_the_build_fails_when_a_cut_key_is_still_named_or_a_listed_name_is_gone(tmp_path):
    named = SOURCE + "\ndef big():\n    return KINDS['large']\n"
    with pytest.raises(board_strip.StripError, match="still names 'large'"):
        board_strip.check_bundle(bundle(tmp_path, "X = 1\n", named), [], STRIPPED, ENTRIES)
    renamed = SOURCE.replace("def cut(", "def cut_for_the_cloud(")
    with pytest.raises(board_strip.StripError, match="has no cut to cut"):
        board_strip.check_bundle(bundle(tmp_path, "X = 1\n", renamed), [], STRIPPED, ENTRIES)


METHODS_SOURCE = """
class Board:
    def kept(self):
        return self.helper()

    def helper(self):
        return 1

    def asked_by_cpython(self):
        return 2


class Spare:
    def asked_by_cpython(self):
        return 3
"""
METHODS = {"lib/tables.py": {"Board": ("asked_by_cpython",), "Spare": ("asked_by_cpython",)}}


def test_strip_cuts_the_listed_methods_of_the_listed_classes_only():
    module = module_from(board_strip.strip("lib/tables.py", METHODS_SOURCE, {}, {}, METHODS))
    assert module.Board().kept() == 1 and not hasattr(module.Board, "asked_by_cpython")
    assert not hasattr(module.Spare, "asked_by_cpython")  # a class left empty still stands
    one = {"lib/tables.py": {"Board": ("asked_by_cpython",)}}
    module = module_from(board_strip.strip("lib/tables.py", METHODS_SOURCE, {}, {}, one))
    assert module.Spare().asked_by_cpython() == 3


@pytest.mark.parametrize(
    "user_text",
    [
        "def run(board):\n    return board.asked_by_cpython()\n",  # an attribute
        "def run(board):\n    return getattr(board, 'asked_by_cpython')\n",  # a whole string
    ],
)
def test_the_build_fails_when_anything_left_names_a_cut_method(tmp_path, user_text):
    modules = bundle(tmp_path, user_text, METHODS_SOURCE)
    with pytest.raises(board_strip.StripError, match="user.py uses asked_by_cpython"):
        board_strip.check_bundle(modules, [], {}, {}, METHODS)


def test_the_build_fails_when_a_method_left_calls_a_cut_one_or_a_listed_one_is_gone(tmp_path):
    cut_helper = {"lib/tables.py": {"Board": ("helper",)}}
    with pytest.raises(board_strip.StripError, match="tables.py uses helper"):
        board_strip.check_bundle(
            bundle(tmp_path, "X = 1\n", METHODS_SOURCE), [], {}, {}, cut_helper
        )
    renamed = METHODS_SOURCE.replace("def helper(", "def helper_now(")
    with pytest.raises(board_strip.StripError, match="has no Board.helper to cut"):
        board_strip.check_bundle(bundle(tmp_path, "X = 1\n", renamed), [], {}, {}, cut_helper)


def test_the_boards_controller_lacks_the_accessors_only_cpython_asks_for():
    source = (ROOT / "firmware" / "core" / "controller.py").read_text()
    board = board_strip.strip("firmware/core/controller.py", source)
    for method in board_strip.STRIPPED_METHODS["firmware/core/controller.py"]["Controller"]:
        assert "def %s(" % method in source and "def %s(" % method not in board
    assert "def snapshot(" in board  # the flash store and simulator/wasm/harness.py ask for it


def test_the_boards_lock_bank_lacks_what_only_the_tests_ask():
    source = (ROOT / "firmware" / "drivers" / "lock_bank.py").read_text()
    board = board_strip.strip("firmware/drivers/lock_bank.py", source)
    for method in ("energised", "deferred"):
        assert "def %s(" % method in source and "def %s(" % method not in board
    assert "def pulse(" in board and "def poll(" in board


def test_the_build_fails_on_an_assert_that_mpy_cross_O3_would_drop(tmp_path):
    user_text = "def run(n):\n    assert n > 0\n"
    with pytest.raises(board_strip.StripError, match="lib/user.py line 2: assert"):
        board_strip.check_bundle(bundle(tmp_path, user_text), [], STRIPPED, ENTRIES)


def test_a_bundle_that_uses_nothing_cut_passes(tmp_path):
    board_strip.check_bundle(bundle(tmp_path, "from lib.tables import kept\n"), [], STRIPPED, {})


@pytest.mark.parametrize("board", ["esp32", "picow"])
def test_the_real_bundle_passes_the_check_and_still_lists_every_module(board):
    sources = board_sources(board)  # raises StripError otherwise
    assert str(sources[-1][1]) == "board_profile.mpy"
    assert all((ROOT / f).exists() for f in ENTRY_POINTS + HARNESS)


def test_the_boards_wire_module_still_checks_and_opens_signed_commands():
    board_wire = module_from(board_strip.strip("protocol/wire.py", wire_source()), "wire")
    command = {"lkr": "L-1", "ctr": 3, "exp": 10**12, "type": "open", "cmp": 4}
    assert board_wire.check_command(board_wire.open_signed(KEY, wire.sign(KEY, command)))
    credential = dict(command, type="credential", parcel="P-1", v="ab" * 16, until=5, asof=2)
    assert board_wire.check_command(credential) == credential
    with pytest.raises(board_wire.WireError):
        board_wire.check_command(dict(command, cmp=0))
    assert not hasattr(board_wire, "check_event") and "cmps" not in board_wire._KINDS
    assert json.loads(board_wire.sign(KEY, command)[65:]) == command


def wire_source():
    return (ROOT / "protocol" / "wire.py").read_text()


def test_the_boards_mqtt_packets_decode_what_a_broker_sends_and_refuse_what_it_never_does():
    source = (ROOT / "firmware" / "net" / "mqtt_packets.py").read_text()
    board = module_from(board_strip.strip("firmware/net/mqtt_packets.py", source), "packets")
    from firmware.net import mqtt_packets as full

    for packet in (full.connack(True, 0), full.suback(7, [1]), full.pingresp(), full.puback(9)):
        assert repr(board.decode(packet)) == repr(full.decode(packet))  # kind and fields
    published = full.publish("lockers/L-1/commands", b"x", qos=1, packet_id=5)
    assert board.decode(published).payload == b"x"
    with pytest.raises(board.MqttError, match="unsupported packet type 1"):
        board.decode(full.connect("L-1"))
    assert not hasattr(board, "connack") and not hasattr(board, "_decode_connect")


def test_the_built_modules_carry_no_cut_name(tmp_path):
    config = board_config("L-1", "ab" * 32, [(1, "S")], "10.0.0.2", 1883)
    build("esp32", tmp_path, config)
    wire_mpy = (tmp_path / "protocol" / "wire.mpy").read_bytes()
    assert b"check_command" in wire_mpy and b"check_event" not in wire_mpy
    mqtt_mpy = (tmp_path / "firmware" / "net" / "__init__.mpy").read_bytes()  # merged
    assert b"_decode_publish" in mqtt_mpy and b"_decode_connect" not in mqtt_mpy
