"""A parcel without pre-advice: online, the board asks the cloud (`unadvised` with the size the
courier picks) and opens the door the cloud reserves, or shows why it refuses; offline, it is
refused at once."""

from firmware.core.actions import Beep, Pulse, Show
from firmware.core.events import Connected, DoorClosed, DoorOpened, Tick
from tests.firmware.core.builders import (
    COURIER_CODE,
    LOCKER,
    NOW,
    Cloud,
    controller,
    couriers,
    event_bodies,
    run,
    type_keys,
)

ASK = [Show("Unknown parcel - size? 1=S 2=M 3=L #"), Beep("ok")]


def _session(online=True):
    ctl, cloud = controller(), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE)] + ([Connected()] if online else []))
    type_keys(ctl, COURIER_CODE + "#")
    return ctl, cloud


def test_offline_an_unknown_parcel_is_refused_at_once():
    ctl, _ = _session(online=False)
    assert type_keys(ctl, "888#")[-2:] == [Show("Unknown parcel - locker offline"), Beep("error")]
    assert ctl.pending_events() == []


def test_online_the_courier_picks_a_size_and_the_cloud_is_asked():
    ctl, _ = _session()
    assert type_keys(ctl, "888#")[-2:] == ASK
    actions = type_keys(ctl, "2#")
    assert event_bodies(actions) == [
        {"lkr": LOCKER, "seq": 1, "t": NOW, "type": "unadvised", "parcel": "888", "size": "M"}
    ]
    assert actions[-2:] == [Show("Asking cloud - wait"), Beep("ok")]


def test_the_clouds_reserve_opens_the_door_at_once():
    ctl, cloud = _session()
    type_keys(ctl, "888#2#")
    actions = ctl.handle(cloud.command("reserve", parcel="888", cmp=2, asof=1), NOW + 500)
    assert Pulse(2, 300) in actions and Show("Door 2 open") in actions
    bodies = event_bodies(run(ctl, [DoorOpened(2), DoorClosed(2)]))
    assert [(b["type"], b["parcel"], b["cmp"]) for b in bodies] == [("deposited", "888", 2)]


def test_the_clouds_refusal_is_shown_and_nothing_opens():
    ctl, cloud = _session()
    type_keys(ctl, "888#1#")
    actions = ctl.handle(cloud.command("refuse_parcel", parcel="888", reason="locker full"), NOW)
    assert actions == [Show("Refused: locker full"), Beep("error")]


def test_no_answer_in_time_lets_the_courier_go_on_and_a_late_reserve_just_waits():
    ctl, cloud = _session()
    type_keys(ctl, "888#1#")
    actions = ctl.handle(Tick(), NOW + 20_000)
    assert actions[:2] == [Show("No answer - keep parcel"), Beep("error")]
    actions = ctl.handle(cloud.command("reserve", parcel="888", cmp=1), NOW + 21_000)
    assert actions == [] and ctl.has_reservation("888")


def test_a_wrong_size_digit_asks_nothing():
    ctl, _ = _session()
    type_keys(ctl, "888#")
    assert type_keys(ctl, "7#")[-2:] == [Show("Courier: parcel code?"), Beep("error")]
    assert ctl.pending_events() == []


def test_a_longer_code_instead_of_a_size_is_the_next_parcel():
    ctl, cloud = _session()
    ctl.handle(cloud.command("reserve", parcel="777", cmp=3), NOW)
    type_keys(ctl, "888#")
    assert Pulse(3, 300) in type_keys(ctl, "777#")
    assert ctl.pending_events() == []


def test_an_answer_for_a_parcel_nobody_asked_about_opens_nothing():
    ctl, cloud = _session()
    assert ctl.handle(cloud.command("refuse_parcel", parcel="888", reason="no"), NOW) == []
    assert ctl.handle(cloud.command("reserve", parcel="888", cmp=1), NOW) == []
