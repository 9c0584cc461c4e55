"""Merging a package into one module for the board (fleet/board_merge.py): the merged module
does what the modules did, modules outside import from the package, and whatever cannot be
merged surely is refused instead of guessed at."""

import ast
import importlib
import types
from pathlib import Path

import pytest

from fleet.board_merge import MergeError, _top_level, merge, merge_packages, rewrite_imports
from fleet.board_strip import STRIPPED
from fleet.firmware_build import LEFT_OUT, MERGED_PACKAGES, ROOT, board_texts

STATES = """
AVAILABLE = "available"
_LIMIT = 2


def is_free(state):
    return state == AVAILABLE and _LIMIT > 1
"""
DOORS = """
from pkg import states
from pkg.actions import Pulse

_LIMIT = 5


class Door:
    def open(self, state):
        if states.is_free(state):
            return Pulse(_LIMIT)
        return states.AVAILABLE
"""
ACTIONS = """
from pkg.record import Record


class Pulse(Record):
    pass
"""
RECORD = """
class Record:
    def __init__(self, *values):
        self.values = values
"""
PACKAGE = {"__init__": "", "doors": DOORS, "states": STATES, "actions": ACTIONS, "record": RECORD}


def merged_module(modules=PACKAGE):
    module = types.ModuleType("pkg")
    exec(compile(merge("pkg", modules), "pkg", "exec"), module.__dict__)
    return module


def test_the_merged_module_runs_each_module_after_those_it_imports():
    pkg = merged_module()
    pulse = pkg.Door().open("available")
    assert isinstance(pulse, pkg.Pulse) and isinstance(pulse, pkg.Record)
    assert pulse.values == (5,)  # doors' own _LIMIT, renamed apart from states'
    assert pkg.Door().open("taken") == "available"
    assert pkg._LIMIT_states == 2 and pkg._LIMIT_doors == 5


def test_the_same_import_or_constant_in_two_modules_is_kept():
    modules = dict(PACKAGE, extra="from json import dumps\nAVAILABLE = 'available'\n")
    modules["states"] = "from json import dumps\n" + STATES
    assert merged_module(modules).dumps([1]) == "[1]"


def test_the_micropython_const_guard_is_merged_as_an_import():
    guard = (
        "try:\n    from micropython import const\nexcept ImportError:\n"
        "    def const(value):\n        return value\n"
    )
    modules = dict(PACKAGE, extra=guard + "_A = const(1)\n")
    modules["states"] = guard + STATES
    assert merged_module(modules)._A == 1  # CPython takes the stand-in, as unmerged
    other = dict(PACKAGE, extra="try:\n    import json\nexcept ImportError:\n    json = None\n")
    with pytest.raises(MergeError, match="Try"):
        merge("pkg", other)  # any other try at the top is still refused


@pytest.mark.parametrize(
    "extra, fault",
    [
        ("AVAILABLE = 'free'\n", "AVAILABLE is defined in"),
        ("from pkg.states import is_free as free\n", "aliased import"),
        ("from pkg import states\nX = [states]\n", "used as an object"),
        ("from pkg import states\ndef f(AVAILABLE):\n    return states.AVAILABLE\n", "binds"),
        ("def len(x):\n    return 0\n", "hide builtins"),
        ("from . import states\n", "relative import"),
        ("def f():\n    from pkg.states import is_free\n", "inside a function"),
        ("NAME = __name__\n", "__name__"),
        ("from pkg.states import _LIMIT\n", "private name"),
        ("from pkg import states\nX = states.Pulse\n", "not defined in states"),
        ("from pkg import nothing\n", "not a module"),
        ("if True:\n    X = 1\n", "top-level If"),
    ],
)
def test_what_cannot_be_merged_surely_is_refused(extra, fault):
    with pytest.raises(MergeError, match=fault):
        merge("pkg", dict(PACKAGE, extra=extra))


def test_modules_that_import_each_other_in_a_circle_are_refused():
    with pytest.raises(MergeError, match="imports itself"):
        merge("pkg", {"a": "from pkg.b import B\nA = 1\n", "b": "from pkg.a import A\nB = 1\n"})


def test_a_module_outside_imports_from_the_package_itself():
    text = "from pkg.doors import Door\nfrom other.doors import Door as D\n"
    assert rewrite_imports("pkg", {"doors"}, text) == (
        "from pkg import Door\nfrom other.doors import Door as D\n"
    )
    assert rewrite_imports("pkg", {"doors"}, "import json\n") is None  # left as written
    for refused in ("import pkg.doors\n", "from pkg import doors\n", "from pkg.doors import _x\n"):
        with pytest.raises(MergeError):
            rewrite_imports("pkg", {"doors"}, refused)


def test_a_file_copied_as_it_is_must_not_import_a_submodule(tmp_path):
    texts = [(Path("pkg") / (name + ".py"), text) for name, text in PACKAGE.items()]
    main = tmp_path / "main.py"
    main.write_text("from pkg.doors import Door\n")
    with pytest.raises(MergeError, match="main.py imports from a submodule of pkg"):
        merge_packages(texts, ["pkg"], [main])
    main.write_text("from pkg import Door\n")
    merged = merge_packages(
        texts + [(Path("app.py"), "from pkg.doors import Door\n")], ["pkg"], [main]
    )
    assert [str(path) for path, _ in merged] == ["pkg/__init__.py", "app.py"]
    assert merged[1][1] == "from pkg import Door\n"


@pytest.mark.parametrize("package", MERGED_PACKAGES)
def test_each_merged_package_is_one_module_on_the_board_with_every_public_name(package):
    texts = dict(board_texts("esp32"))
    left_out = LEFT_OUT.get(package, ())
    merged = [path for path in texts if path.parent == Path(package)]
    assert merged == [Path(package) / (name + ".py") for name in ["__init__", *sorted(left_out)]]
    # what the merged module binds, read rather than run: it imports names from the other
    # merged packages, which CPython's modular source does not have
    bound = set(_top_level(ast.parse(texts[merged[0]])))
    for source in sorted((ROOT / package).glob("*.py")):
        if source.stem in left_out:
            assert texts[Path(package) / source.name] is not None  # a module of its own
            continue
        dotted = (package + "/" + source.stem).replace("/", ".")
        names = _public_names(importlib.import_module(dotted))
        cut = STRIPPED.get(source.relative_to(ROOT).as_posix(), ())  # board_strip's
        assert not [n for n in names if n not in bound and n not in cut], source
    importing = "from %s import " % package.replace("/", ".")
    assert [text for path, text in texts.items() if importing in text and path != merged[0]]


def _public_names(module):
    """What a module defines or imports, submodules aside (the merged module has none)."""
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    ]


def test_a_module_left_out_stays_its_own_and_imports_from_the_merged_package():
    modules = [
        ("__init__", ""),
        ("ticks", "def diff(a, b):\n    return a - b\n"),
        ("doors", "from pkg.ticks import diff\n\n\nclass Door:\n    WAIT = diff(5, 2)\n"),
        ("runtime", "from pkg.doors import Door\nfrom pkg.ticks import diff\n"),
    ]
    texts = [(Path("pkg") / (name + ".py"), text) for name, text in modules]
    merged = dict(merge_packages(texts, ["pkg"], [], {"pkg": ("ticks", "runtime")}))
    assert sorted(str(p) for p in merged) == ["pkg/__init__.py", "pkg/runtime.py", "pkg/ticks.py"]
    assert "from pkg.ticks import diff" in merged[Path("pkg/__init__.py")]  # an import still
    assert merged[Path("pkg/runtime.py")] == "from pkg import Door\nfrom pkg.ticks import diff\n"
    assert merged[Path("pkg/ticks.py")] == modules[1][1]  # untouched


def test_a_module_left_out_that_needs_the_merged_part_which_imports_it_is_refused():
    modules = [
        ("__init__", ""),
        ("ticks", "from pkg.doors import Door\n"),
        ("doors", "from pkg.ticks import diff\n\n\nclass Door:\n    pass\n"),
    ]
    texts = [(Path("pkg") / (name + ".py"), text) for name, text in modules]
    with pytest.raises(MergeError, match="pkg.ticks, left out, imports from the merged part"):
        merge_packages(texts, ["pkg"], [], {"pkg": ("ticks",)})
    with pytest.raises(MergeError, match="no module clock to leave out"):
        merge_packages(texts, ["pkg"], [], {"pkg": ("clock",)})


def test_a_file_copied_as_it_is_may_import_a_module_left_out(tmp_path):
    texts = [(Path("pkg") / (name + ".py"), text) for name, text in PACKAGE.items()]
    harness = tmp_path / "harness.py"
    harness.write_text("from pkg.record import Record\n")
    merged = merge_packages(texts, ["pkg"], [harness], {"pkg": ("record",)})
    assert sorted(str(path) for path, _ in merged) == ["pkg/__init__.py", "pkg/record.py"]
    harness.write_text("from pkg.doors import Door\n")
    with pytest.raises(MergeError, match="harness.py imports from a submodule of pkg"):
        merge_packages(texts, ["pkg"], [harness], {"pkg": ("record",)})
