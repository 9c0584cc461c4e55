"""Online status, replay of unacknowledged events on reconnect, and resend while connected."""
from firmware.core import wire
from firmware.core.actions import Publish
from firmware.core.events import Connected, Disconnected, DoorClosed, DoorOpened, Tick

from tests.firmware.builders import (EVENTS, KEY, NOW, STATUS, controller, run,
                                     type_keys, with_deposits)

ONLINE = Publish(STATUS, b'{"online": true}', 1, True)


def published(ctl, seqs):
    bodies = {b["seq"]: b for b in ctl.pending_events()}
    return [Publish(EVENTS, wire.sign(KEY, bodies[s]), 1, False) for s in seqs]


def test_the_last_will_says_offline_on_the_status_topic():
    assert controller().will() == (STATUS, b'{"online": false}')


def inventory(ctl, seq, rows, now=NOW):
    body = {"lkr": "L1", "t": now, "type": "inventory", "seq": seq, "cmps": rows}
    return Publish("lockers/L1/inventory", wire.sign(KEY, body), 1, False)


def test_connecting_with_an_empty_journal_publishes_online_status_and_the_inventory():
    ctl = controller()
    rows = [[1, "free", ""], [2, "free", ""], [3, "free", ""]]
    assert ctl.handle(Connected(), NOW) == [ONLINE, inventory(ctl, 0, rows)]
    assert ctl.is_online()


def test_reconnecting_publishes_status_then_every_pending_event_in_seq_order():
    ctl, cloud = with_deposits(["101", "102", "103"])
    ctl.handle(cloud.command("ack", seqs=[2]), NOW)
    ctl.handle(Disconnected(), NOW)
    rows = [[1, "occupied", "101"], [2, "occupied", "102"], [3, "occupied", "103"], [4, "free", ""]]
    assert ctl.handle(Connected(), NOW + 1) == \
        [ONLINE] + published(ctl, [1, 3]) + [inventory(ctl, 3, rows, NOW + 1)]


def test_nothing_is_published_while_offline_but_events_are_journaled():
    ctl, cloud = with_deposits(["101"])
    ctl.handle(cloud.command("reserve", parcel="102", cmp=2), NOW)
    assert ctl.handle(Disconnected(), NOW) == []
    actions = type_keys(ctl, "102#") + run(ctl, [DoorOpened(2), DoorClosed(2)])
    actions += run(ctl, [Tick()], NOW + 60_000)
    assert not [a for a in actions if isinstance(a, Publish)]
    assert [b["seq"] for b in ctl.pending_events()] == [1, 2]


def test_tick_resends_events_unacknowledged_for_resend_ms():
    ctl, _ = with_deposits(["101"])
    assert ctl.handle(Tick(), NOW + 9_999) == []
    assert ctl.handle(Tick(), NOW + 10_000) == published(ctl, [1])
    assert ctl.handle(Tick(), NOW + 10_001) == []
    assert ctl.handle(Tick(), NOW + 20_000) == published(ctl, [1])


def test_tick_resends_only_the_events_that_are_due():
    ctl, cloud = with_deposits(["101"])
    ctl.handle(cloud.command("reserve", parcel="102", cmp=2), NOW)
    type_keys(ctl, "102#", NOW + 4_000)
    run(ctl, [DoorOpened(2), DoorClosed(2)], NOW + 5_000)
    assert ctl.handle(Tick(), NOW + 10_000) == published(ctl, [1])
    assert ctl.handle(Tick(), NOW + 15_000) == published(ctl, [2])


def test_an_acknowledged_event_is_not_resent():
    ctl, cloud = with_deposits(["101"])
    ctl.handle(cloud.command("ack", seqs=[1]), NOW + 1)
    assert ctl.handle(Tick(), NOW + 10_000) == []


def test_a_replayed_event_is_resent_resend_ms_after_the_replay():
    ctl, _ = with_deposits(["101"])
    ctl.handle(Disconnected(), NOW)
    ctl.handle(Connected(), NOW + 8_000)
    assert ctl.handle(Tick(), NOW + 10_000) == []
    assert ctl.handle(Tick(), NOW + 18_000) == published(ctl, [1])


def test_the_courier_session_survives_a_disconnect():
    ctl, _ = with_deposits(["101"])
    ctl.handle(Disconnected(), NOW)
    assert ctl.courier_session_active()
