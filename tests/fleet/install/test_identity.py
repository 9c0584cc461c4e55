"""Where a board's identity comes from, decided before anything changes."""

import pytest

from fleet.install.errors import InstallError
from fleet.install.identity import BOARD, LOCAL, NEW, REPROVISION, identity_source

HELD = {"locker_id": "L1", "key": "ab" * 32}


def test_a_fresh_board_with_no_local_folder_is_provisioned():
    assert identity_source("L1", None, None, reprovision=False) == NEW


def test_the_local_folder_wins_then_the_board():
    local = {"locker_id": "L1", "key": "cd" * 32}
    assert identity_source("L1", HELD, local, reprovision=False) == LOCAL
    assert identity_source("L1", HELD, None, reprovision=False) == BOARD


def test_another_lockers_board_is_refused_unless_reprovisioned():
    with pytest.raises(InstallError, match="holds locker L1's identity, not L2's") as refused:
        identity_source("L2", HELD, None, reprovision=False)
    assert refused.value.exit_code == 5
    assert identity_source("L2", HELD, None, reprovision=True) == REPROVISION


def test_a_board_of_the_other_kind_is_refused():
    from fleet.install.probe import check_platform

    check_platform("esp32", "esp32", "/dev/ttyUSB0")
    check_platform("picow", "rp2", "/dev/ttyACM0")
    with pytest.raises(InstallError, match="runs MicroPython for rp2, not esp32"):
        check_platform("esp32", "rp2", "/dev/ttyACM0")
    with pytest.raises(InstallError, match="for esp32, not picow"):
        check_platform("picow", "esp32", "/dev/ttyUSB0")
