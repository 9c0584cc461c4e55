import pytest

from cloud.models import LockerCreate
from cloud.services import devices, lockers
from cloud.services.errors import Conflict, NotFound


def test_provisioning_creates_compartments_from_the_catalogue_and_a_board_key(session, make_locker):
    locker, key = make_locker(sizes="SML")
    assert len(bytes.fromhex(key)) == 32 and locker.device_key == key
    assert (locker.command_counter, locker.online) == (0, False)
    assert [
        (c.number, c.size, c.width_mm, c.height_mm, c.depth_mm, c.state)
        for c in lockers.compartments_of(session, "L1")
    ] == [
        (1, "S", 380, 90, 640, "free"),
        (2, "M", 380, 190, 640, "free"),
        (3, "L", 380, 410, 640, "free"),
    ]


def test_every_board_gets_its_own_key(make_locker):
    assert make_locker("L1")[1] != make_locker("L2")[1]


def test_a_locker_id_is_provisioned_once(session, make_locker):
    make_locker()
    with pytest.raises(Conflict):
        make_locker()


def test_get_locker_names_the_missing_id(session):
    with pytest.raises(NotFound, match="locker X not found"):
        lockers.get_locker(session, "X")


def test_compartment_numbers_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        LockerCreate(
            id="L1", name="x", compartments=[{"number": 1, "size": "S"}, {"number": 1, "size": "M"}]
        )


def test_set_online_records_the_status_and_when(session, make_locker, now):
    make_locker()
    assert devices.set_online(session, "L1", True, now).online is True
    locker = devices.set_online(session, "L1", False, now)
    assert (locker.online, locker.last_seen_at) == (False, now)
    with pytest.raises(NotFound):
        devices.set_online(session, "ghost", True, now)
