"""firmware/board/startup.py's reset causes: named by the attributes the port's `machine` has
(RP2 has two of the five), looked up by the System the Board keeps."""

from firmware.board.startup import reset_causes
from firmware.board.system import System


class Rp2Machine:
    PWRON_RESET, WDT_RESET = 1, 3  # all the RP2 port has

    def __init__(self, cause):
        self.cause = cause

    def reset_cause(self):
        return self.cause


def test_only_the_causes_the_port_has_are_named():
    assert reset_causes(Rp2Machine) == {1: "power-on", 3: "watchdog"}


def test_the_system_names_the_last_reset_and_an_unknown_one_as_unknown():
    names = [
        System(Rp2Machine(cause), None, reset_causes(Rp2Machine)).reset_cause() for cause in (3, 5)
    ]
    assert names == ["watchdog", "unknown"]
