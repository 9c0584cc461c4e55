"""The pure parts of the ROMFS weighing (benchmarks/firmware_code_ram.py): cutting function bodies
leaves the top level as it was, and a .mpy file's qstr table and constant count are read right."""

import ast

from benchmarks.firmware_code_ram import _BodyCutter, _mpy_tables
from fleet.firmware_build import compile_module

SOURCE = """
import json

LIMIT = 3
NAMES = {"a": 1}


class Door:
    pulse_ms = 300

    def open(self, when):
        return "door %d opened at %d" % (self.pulse_ms, when)

    async def wait(self):
        await json.loads("[1]")


def helper(x, key=lambda v: v * 2):
    def inner():
        return x
    return inner
"""


def test_cutting_leaves_the_top_level_and_empties_every_body():
    tree = ast.parse(SOURCE)
    cutter = _BodyCutter()
    cutter.visit(tree)
    cut = ast.unparse(tree)
    namespace = {}
    exec(compile(cut, "cut", "exec"), namespace)
    assert namespace["LIMIT"] == 3 and namespace["NAMES"] == {"a": 1}
    assert namespace["Door"].pulse_ms == 300 and namespace["Door"]().open(1) is None
    assert namespace["helper"](1) is None  # its nested function went with its body
    assert cutter.cut == 4  # open, wait, helper and the default's lambda
    assert "opened" not in cut


def test_the_qstr_table_and_constants_of_a_compiled_module(tmp_path):
    source = tmp_path / "door.py"
    source.write_text(SOURCE)
    compile_module(source, tmp_path / "door.mpy", "door.py")
    qstrs, constants = _mpy_tables((tmp_path / "door.mpy").read_bytes())
    assert qstrs[0] == b"door.py"  # the file name the build gives it
    assert b"pulse_ms" in qstrs and b"helper" in qstrs
    assert None in qstrs  # names in MicroPython's static table (`json`, `open`) are not stored
    assert constants >= 1  # the format string
