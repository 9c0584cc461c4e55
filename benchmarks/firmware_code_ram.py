"""The heap the board's code takes on MicroPython: as .mpy files in the filesystem (measured), and
as ROMFS (bytecode in flash; measured on an interpreter that has no ROMFS, see below).

Both import the modules the board imports at boot (firmware/main.py imports firmware/board/app.py,
whose main() imports firmware/board/startup.py, whose build() imports the board profile and the
wiring, and what they import) into a fresh
MicroPython 1.27 (WebAssembly port, simulator/wasm/measure_code.mjs) and weigh the live heap
before and after, each gc.collect() at the top level. Then the modules only the boot needs
(startup.BOOT_ONLY: startup itself, the wiring, the logical pin map, the profile and their
packages) are dropped
as the board drops them once its parts are built, and the heap is weighed again: the code
figures count only what stays resident after boot (the figure at boot is reported beside it).
main.py itself (a dozen lines compiled from source at boot) is in neither.

.mpy in the filesystem: the bundle as `locker firmware build` writes it. Importing a .mpy copies
its bytecode, its constants (str, bytes) and its qstr strings into the heap, and runs its top
level, which creates the module's dict, classes, functions and module-level values.

ROMFS: a module imported from ROMFS keeps its bytecode, its str/bytes constants and its qstr
strings in flash (docs.micropython.org, reference/romfs.html: "Zero-copy imports", "Low RAM
overhead"); what still lands in the heap is what its top level creates (module dict, classes
and their dicts, function objects and the small raw-code records they point to, module-level
values) plus the qstr pool entries for its names. To weigh exactly that here, the same modules
are compiled again with every function and lambda body cut down to `pass` / `None` (ast, before
mpy-cross): the top level runs as before and creates the same objects, while the bodies'
bytecode and their constants are gone. Error bound of that figure:
  - too high by at most the bytecode of the `pass` bodies left in: one GC block (16 bytes)
    per function;
  - too low by the qstr pool entries (hash, length, pointer: 6 bytes, pools grown by doubling,
    so <= 12 bytes each) of names used only inside bodies, which ROMFS would still intern:
    <= 12 bytes per qstr the cut removes (counted from the .mpy files' qstr tables), and by
    int/float/tuple constants of the bodies (ROMFS creates those in the heap): the firmware has
    next to none (tuples of small ints are folded into the bytecode).
The figure is reported with both bounds.
"""

import ast
import json
import shutil
import subprocess
from pathlib import Path

from firmware.board.startup import BOOT_ONLY
from fleet.firmware_build import BOARDS, ROOT, board_texts, compile_text

MEASURE = ROOT / "simulator" / "wasm" / "measure_code.mjs"
# what the board imports at boot from the bundle: main.py imports the app, whose main() imports
# the startup, whose build() imports the profile and the wiring (main.py imports machine,
# network, ntptime too: built into the firmware, no heap; asyncio and binascii are frozen or
# built in but weighed with the rest)
MAIN_IMPORTS = (
    "firmware.board.app",
    "firmware.board.startup",
    "firmware.board.wiring",
    "board_profile",
)
GC_BLOCK = 16  # bytes: MicroPython's allocation unit on 32-bit ports
QSTR_ENTRY_MAX = 12  # bytes: hash (1) + length (1) + pointer (4), pools grown by doubling
CONSTANT_MAX = 20  # bytes: a str/bytes object pointing into flash (16) and its table slot (4)


def code_ram(board, workdir):
    """{"mpy": bytes, "romfs": bytes, "romfs_low": .., "romfs_high": .., "modules": n,
    "mpy_boot": .., "romfs_boot": ..}: what stays resident once the board has dropped its
    boot-only modules (firmware/board/startup.py's BOOT_ONLY); *_boot: before it did."""
    workdir = Path(workdir)
    full, cut = workdir / "code-mpy", workdir / "code-romfs"
    texts = board_texts(board)  # the bundle as `locker firmware build` compiles it
    _compile(texts, full, cut_bodies=False)
    functions = _compile(texts, cut, cut_bodies=True)
    mpy, weighed = _weigh(full), _weigh(cut)
    loaded = set(weighed["modules"])  # what main.py's imports pulled in, nothing else counts
    resident = set(weighed["resident_modules"])
    names_full, objects_full, _ = _tables(full, loaded)
    names_cut, objects_cut, strings_cut = _tables(cut, loaded)
    functions = sum(n for module, n in functions.items() if module in resident)
    # the cut bundle's qstr strings were copied into the heap (and stay there, as interned
    # strings do, after the unloading); from ROMFS they stay in flash
    strings = sum(len(q) + 1 for q in strings_cut)
    romfs = weighed["resident"] - weighed["before"] - strings
    return {
        "mpy": mpy["resident"] - mpy["before"],
        "mpy_boot": mpy["after"] - mpy["before"],
        "romfs": romfs,
        "romfs_boot": weighed["after"] - weighed["before"] - strings,
        "romfs_low": romfs - functions * GC_BLOCK,
        # the qstrs cut away with the bodies: interned for good, the unloaded modules' too
        "romfs_high": romfs
        + (names_full - names_cut) * QSTR_ENTRY_MAX
        + (objects_full - objects_cut) * CONSTANT_MAX,
        "modules": len(mpy["resident_modules"]),
        "functions": functions,
    }


def _compile(texts, out, cut_bodies):
    """Compile `texts` ([(path in the bundle, source)]) into `out`; {module name: function
    bodies cut} (empty if none are)."""
    if out.exists():
        shutil.rmtree(out)
    functions = {}
    for name, text in texts:
        if cut_bodies:
            tree = ast.parse(text)
            cutter = _BodyCutter()
            cutter.visit(tree)
            functions[_module_name(name)] = cutter.cut
            text = ast.unparse(tree)
        compile_text(text, out / name.with_suffix(".mpy"), name)
    return functions


def _module_name(target):
    """firmware/core/journal.mpy -> firmware.core.journal; a package's __init__ -> the package."""
    parts = list(Path(target).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class _BodyCutter(ast.NodeTransformer):
    """Every function body `pass`, every lambda `None`: the top level stays as it is."""

    def __init__(self):
        self.cut = 0

    def _function(self, node):
        # what runs at def time stays (defaults, decorators: a lambda there is cut in its turn);
        # a function nested in the body goes with the body, never created, not counted
        self.visit(node.args)
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.body = [ast.Pass()]
        self.cut += 1
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node):
        self.cut += 1
        node.body = ast.Constant(None)
        return node


def _weigh(bundle):
    result = subprocess.run(
        ["node", str(MEASURE), str(bundle), ",".join(MAIN_IMPORTS), ",".join(BOOT_ONLY)],
        capture_output=True,
        text=True,
        cwd=str(MEASURE.parent),
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError("weighing %s failed: %s" % (bundle, result.stderr[-2000:]))
    return json.loads(result.stdout.strip().splitlines()[-1])


def _tables(bundle, modules):
    """(qstr names, number of constant objects, dynamic qstr strings) over the .mpy files of
    `modules` in a bundle: the names counted per file, the strings (not in MicroPython's static
    table) once."""
    names, objects, strings = 0, 0, set()
    for path in Path(bundle).rglob("*.mpy"):
        if _module_name(path.relative_to(bundle)) not in modules:
            continue
        qstrs, n_obj = _mpy_tables(path.read_bytes())
        names, objects = names + len(qstrs), objects + n_obj
        strings.update(q for q in qstrs if q is not None)
    return names, objects, strings


def _mpy_tables(data):
    """A .mpy v6 file's qstr table (a static qstr as None, another as its bytes) and its
    number of constant objects: 4 header bytes, n_qstr, n_obj, then the qstrs."""
    if data[:2] != b"M\x06":
        raise ValueError("not an mpy v6 file")
    position = 4
    n_qstr, position = _vuint(data, position)
    n_obj, position = _vuint(data, position)
    qstrs = []
    for _ in range(n_qstr):
        length, position = _vuint(data, position)
        if length & 1:
            qstrs.append(None)  # in the firmware's own static table
            continue
        qstrs.append(data[position : position + (length >> 1)])
        position += (length >> 1) + 1  # and its NUL
    return qstrs, n_obj


def _vuint(data, position):
    value = 0
    while True:
        byte = data[position]
        value, position = (value << 7) | (byte & 0x7F), position + 1
        if not byte & 0x80:
            return value, position


def main():
    """Print each board's code RAM: `python -m benchmarks.firmware_code_ram`."""
    import tempfile

    for board in sorted(BOARDS):
        with tempfile.TemporaryDirectory() as workdir:
            figures = code_ram(board, workdir)
        print(
            "%-6s .mpy %6d B   ROMFS %6d B [%d..%d]   %d modules, %d functions"
            % (
                board,
                figures["mpy"],
                figures["romfs"],
                figures["romfs_low"],
                figures["romfs_high"],
                figures["modules"],
                figures["functions"],
            )
        )


if __name__ == "__main__":
    main()
