# The board's entry point, run by MicroPython after boot.py: the only module that imports
# `machine` and `network`. MicroPython compiles this file from source at every boot, so it is
# kept to a few lines: the board's life is firmware/board/app.py, a .mpy in the bundle.
import os

INSTALL_LOCK = "install.lock"  # fleet/install/board_link.py writes and removes it


def held_for_install():
    # `locker install` leaves this file while it writes the bundle and removes it last: the
    # board then stays at the REPL, with no watchdog started (an ESP32's cannot be stopped, and
    # would reset the board under the installer) and no half-written bundle run.
    try:
        os.stat(INSTALL_LOCK)
        return True
    except OSError:
        return False


if held_for_install():
    print("held by locker install (%s): REPL only" % INSTALL_LOCK)
else:
    import machine
    import network
    import ntptime

    from firmware.board.app import main

    main(machine, network, ntptime.settime)
