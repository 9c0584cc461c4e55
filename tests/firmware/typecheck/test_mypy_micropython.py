"""The firmware type-checks against MicroPython's own stubs for each port it runs on.

mypy runs with micropython-<port>-stubs in place of CPython's typeshed (the stubs ship a
MicroPython stdlib: asyncio, json, os, sys...) plus the port's modules (machine, network,
ntptime, time, gc...), over everything that goes onto a board: firmware/, the hardware package
with its logical map, and the board's profile under the name main.py imports, board_profile.

The stubs are installed on first use into build/stubs/ (one folder per package and version:
the ports' stubs conflict with each other and with CPython's typeshed), mypy's cache lives in
build/typecheck/. Delete build/ to start from nothing.
"""

import configparser
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from fleet.firmware_build import BOARDS

ROOT = pathlib.Path(__file__).resolve().parents[3]
BUILD = ROOT / "build"
BASE_CONFIG = ROOT / "mypy-micropython.ini"

# The newest stubs. 1.27's micropython-rp2-stubs are the plain Pico's, without network and
# ntptime; from 1.28 on they are built from the Pico W firmware, the board we ship for.
STUBS_VERSION = "1.29.0.post1"
STDLIB_STUBS = "micropython-stdlib-stubs==1.29.0.post2"  # what both pull in; pinned here
# port: (stub package, the hardware/profiles/ file flashed as board_profile)
PORTS = {
    "esp32": ("micropython-esp32-stubs", "esp32_devkitc"),
    "rp2": ("micropython-rp2-stubs", "pico_w"),
}
# What `locker firmware build` puts on a board besides firmware/ (see fleet/firmware_build.py).
HARDWARE_MODULES = (
    "hardware/__init__.py",
    "hardware/profiles/__init__.py",
    "hardware/profiles/logical.py",
)
# In the stubs' folder but not modules mypy should look at or report on.
NOT_MODULES = {"stdlib", "stubs", "__pycache__", "__builtins__"}


def install_stubs(package):
    """build/stubs/<package>-<version>/, installed with pip the first time it is asked for."""
    target = BUILD / "stubs" / ("%s-%s" % (package, STUBS_VERSION))
    if (target / ".installed").exists():
        return target
    partial = target.with_name(target.name + ".partial-%d" % os.getpid())
    shutil.rmtree(partial, ignore_errors=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-compile",
            "--target",
            str(partial),
            "%s==%s" % (package, STUBS_VERSION),
            STDLIB_STUBS,
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        pytest.fail("could not install %s: %s%s" % (package, result.stdout, result.stderr))
    (partial / ".installed").touch()
    shutil.rmtree(target, ignore_errors=True)  # a half-made one from an interrupted run
    try:
        partial.rename(target)
    except OSError:  # another test run installed it meanwhile
        shutil.rmtree(partial, ignore_errors=True)
    return target


def stub_modules(stubs):
    """The stubs' own top-level modules and packages, as mypy config section patterns."""
    patterns = []
    for entry in sorted(stubs.iterdir()):
        if entry.stem in NOT_MODULES or entry.name.startswith(".") or "." in entry.stem:
            continue  # dist-info, the typeshed folders, the install marker
        if entry.suffix == ".pyi":
            patterns.append(entry.stem)
        elif entry.is_dir():
            patterns.append(entry.name + ".*")
    return patterns


def write_config(port, stubs, profile_dir):
    """build/typecheck/<port>/mypy.ini: mypy-micropython.ini plus this port's paths."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(BASE_CONFIG)
    mypy = config["mypy"]
    # stdlib/ and stubs/mypy-extensions/ in the stubs' folder are a typeshed of MicroPython's
    mypy["custom_typeshed_dir"] = str(stubs)
    # machine, network, time... sit at the top of the same folder; board_profile beside them
    mypy["mypy_path"] = "%s,%s" % (stubs, profile_dir)
    mypy["cache_dir"] = str(BUILD / "typecheck" / port / "mypy-cache")
    # errors inside the stubs are the stubs' business (mypy reports those found on mypy_path)
    config["mypy-" + ",".join(stub_modules(stubs))] = {"ignore_errors": "True"}
    path = BUILD / "typecheck" / port / "mypy.ini"
    with open(path, "w") as f:
        config.write(f)
    return path


def board_profile(port, profile):
    """The board's profile copied to build/typecheck/<port>/profile/board_profile.py, as the
    build copies it onto the board."""
    folder = BUILD / "typecheck" / port / "profile"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "board_profile.py"
    target.write_text((ROOT / "hardware" / "profiles" / (profile + ".py")).read_text())
    return target


def test_every_board_is_checked():
    assert {profile for _, profile in PORTS.values()} == set(BOARDS.values())


@pytest.fixture(params=sorted(PORTS), scope="session")
def port_stubs(request):
    """(port, the folder its stubs are in), for each port; installed the first time."""
    return request.param, install_stubs(PORTS[request.param][0])


def test_firmware_type_checks_against_the_ports_stubs(port_stubs):
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is missing: pip install -e '.[dev]'")
    port, stubs = port_stubs
    profile_file = board_profile(port, PORTS[port][1])
    config = write_config(port, stubs, profile_file.parent)
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(config),
        "protocol",
        "firmware",
        *HARDWARE_MODULES,
        str(profile_file),
    ]
    env = dict(os.environ)
    env.pop("MYPYPATH", None)  # mypy_path comes from the config alone
    env["MYPY_FORCE_COLOR"] = "0"
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, "%s\n\n%s%s" % (" ".join(command), result.stdout, result.stderr)
    assert "Success" in result.stdout
