"""Step 1: reach the board's MicroPython over the raw REPL (flashing MicroPython first when
none answers and the installer has an image), and read what it is."""

import os
import time
from pathlib import Path

from fleet.install import images
from fleet.install.board_link import BoardLink, NoBoard
from fleet.install.errors import InstallError

# sys.platform of each board; the WebAssembly port stands in for either in the simulator
PLATFORMS = {"esp32": "esp32", "picow": "rp2"}
SIMULATED = "webassembly"


def check_platform(board, platform, port):
    """InstallError unless the board's sys.platform is `board`'s (esp32 vs rp2)."""
    if platform not in (PLATFORMS[board], SIMULATED):
        raise InstallError(
            "probe",
            "%s runs MicroPython for %s, not %s: check --board (esp32 or picow) and --port"
            % (port, platform, board),
        )


def open_board(options, report):
    """An open BoardLink; with --micropython-image, the image is checked before anything is
    touched and flashed if no MicroPython answers (never on a dry run)."""
    if options.image:
        check = images.check_esp32_image if options.board == "esp32" else images.check_uf2
        image_step(check, options.image)
    try:
        return BoardLink(options.port).open()
    except NoBoard as silence:
        if not options.image or options.dry_run:
            raise InstallError(
                "probe",
                "no MicroPython answers on %s (%s); %s"
                % (
                    options.port,
                    silence,
                    images.how_to_put_micropython(options.board, options.port),
                ),
            ) from None
    _flash_micropython(options, report)
    return _wait_for_port(options.port)


def probe_board(link, options, report):
    """What the board runs: version, platform, free flash, ROMFS size, its config.json."""
    facts = link.probe()
    report.step(
        "probe",
        "MicroPython %s on %s (%s), %s free flash, ROMFS %s"
        % (
            facts["version"],
            facts["platform"],
            facts["machine"],
            size(facts["free"]),
            size(facts["romfs"]) if facts["romfs"] else "absent",
        ),
    )
    check_platform(options.board, facts["platform"], options.port)
    held = (facts["config"] or {}).get("locker_id")
    report.note("it holds locker %s's config" % held if held else "it holds no locker config yet")
    return facts


def image_step(action, *args):
    try:
        return action(*args)
    except images.ImageError as error:
        raise InstallError("image", str(error)) from None


def size(n):
    if n is None:
        return "unknown"
    return "%d KB" % (n // 1024) if n < 1024 * 1024 else "%.1f MB" % (n / (1024 * 1024))


def _flash_micropython(options, report):
    report.step("probe", "no MicroPython on %s: flashing %s" % (options.port, options.image))
    if options.board == "esp32":
        image_step(images.flash_esp32, options.image, options.port)
        return
    drive = images.bootsel_drive(_bootsel_candidates(options.bootsel))
    if drive is None:
        raise InstallError(
            "image",
            "no Pico in BOOTSEL mode found (a drive holding INFO_UF2.TXT): hold BOOTSEL "
            "while plugging it in, or give --bootsel-drive DIR",
        )
    image_step(images.copy_uf2, options.image, drive)


def _wait_for_port(port, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            return BoardLink(port).open()
        except NoBoard:
            time.sleep(1)
    raise InstallError("image", "%s did not come back with MicroPython after flashing" % port)


def _bootsel_candidates(given):
    if given:
        return [given]
    user = os.environ.get("USER", "")
    roots = [Path("/media", user), Path("/run/media", user), Path("/Volumes")]
    return [p for root in roots if root.is_dir() for p in root.iterdir()]
