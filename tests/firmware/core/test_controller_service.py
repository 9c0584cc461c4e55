"""Out of service reaches the board (the `service` command) and holds there: the board never
offers such a compartment to a courier, keeps it out across a reboot, and puts it back when
the cloud says so. Before this, a courier's "too small" could land in one (issue 14)."""

from firmware.core.actions import PULSE, Pulse, Show
from firmware.core.compartments import Compartments
from firmware.core.controller import Controller
from tests.firmware.core.builders import KEY, LOCKER, NOW, Cloud, type_keys
from tests.firmware.core.test_controller_retarget import LAYOUT, _door_open


def test_too_small_never_opens_a_compartment_out_of_service():
    ctl, cloud = _door_open("501", 1)
    for cmp in (3, 5):  # both M: the smallest bigger ones
        ctl.handle(cloud.command("service", cmp=cmp, out=1), NOW)
        assert ctl.compartment(cmp).state == "out_of_service"
    actions = type_keys(ctl, "*1")
    assert [a for a in actions if a[0] == PULSE] == [Pulse(4, 300)]  # the L
    assert actions[-1] == Show("Door 4 open - close door 1")


def test_with_every_other_door_out_of_service_the_courier_keeps_the_parcel():
    ctl, cloud = _door_open("501", 1)
    for cmp in (2, 3, 4, 5):
        ctl.handle(cloud.command("service", cmp=cmp, out=1), NOW)
    actions = type_keys(ctl, "*2")  # door jammed: one of the same size or bigger
    assert not [a for a in actions if a[0] == PULSE]


def test_back_in_service_it_is_free_again_and_offered():
    ctl, cloud = _door_open("501", 1)
    ctl.handle(cloud.command("service", cmp=3, out=1), NOW)
    ctl.handle(cloud.command("service", cmp=3, out=0), NOW)
    assert ctl.compartment(3).state == "free"
    assert [a for a in type_keys(ctl, "*1") if a[0] == PULSE] == [Pulse(3, 300)]


def test_a_compartment_in_use_is_not_taken_out():
    ctl, cloud = _door_open("501", 1)  # 1 is the open deposit door, reserved for 501
    ctl.handle(cloud.command("service", cmp=1, out=1), NOW)
    assert ctl.compartment(1).state != "out_of_service"


def test_out_of_service_survives_the_boards_snapshot():
    bank = Compartments(LAYOUT)
    bank.get(2).state = "out_of_service"
    again = Compartments(LAYOUT)
    again.load(bank.dump())
    assert again.get(2).state == "out_of_service"


def test_a_service_command_for_a_compartment_the_board_lacks_changes_nothing():
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT), Cloud()
    assert ctl.handle(cloud.command("service", cmp=9, out=1), NOW) == []
    assert [ctl.compartment(n).state for n in (1, 2, 3, 4, 5)] == ["free"] * 5
