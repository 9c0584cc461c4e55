"""Online status, replay of unacknowledged events on reconnect, and resend while connected."""

from firmware.core.actions import PUBLISH, Publish
from firmware.core.events import Connected, Disconnected, DoorClosed, DoorOpened, Tick
from firmware.core.uplink import CONN_BLOCK
from protocol import wire
from tests.firmware.core.builders import (
    EVENTS,
    KEY,
    NOW,
    STATUS,
    controller,
    run,
    type_keys,
    with_deposits,
)


def status(online, conn, now=NOW):
    body = {"lkr": "L1", "t": now, "type": "status", "online": online, "conn": conn}
    return wire.sign(KEY, body)


ONLINE = Publish(STATUS, status(True, 1), 1, True)


def published(ctl, seqs):
    bodies = {b["seq"]: b for b in ctl.pending_events()}
    return [Publish(EVENTS, wire.sign(KEY, bodies[s]), 1, False) for s in seqs]


def test_the_last_will_says_offline_on_the_status_topic_signed_and_numbered():
    assert controller().will(NOW) == (STATUS, status(False, 1))


def test_every_attempt_gets_a_new_number_and_online_carries_that_of_its_connection():
    ctl = controller()
    ctl.will(NOW)
    ctl.will(NOW + 1)  # the first attempt failed
    assert ctl.handle(Connected(), NOW + 2)[0] == Publish(STATUS, status(True, 2, NOW + 2), 1, True)
    ctl.handle(Disconnected(), NOW + 3)
    assert ctl.will(NOW + 4) == (STATUS, status(False, 3, NOW + 4))
    assert ctl.handle(Connected(), NOW + 5)[0] == Publish(STATUS, status(True, 3, NOW + 5), 1, True)


def test_a_connection_without_a_will_asked_for_is_numbered_anew():
    ctl = controller()
    ctl.handle(Connected(), NOW)
    ctl.handle(Disconnected(), NOW)
    assert ctl.handle(Connected(), NOW + 1)[0] == Publish(STATUS, status(True, 2, NOW + 1), 1, True)


def test_numbers_reach_flash_in_blocks_and_a_restart_never_reuses_one():
    ctl = controller()
    revision = ctl.durable_revision()
    ctl.will(NOW)
    assert ctl.durable_revision() != revision  # the flash is written before the first CONNECT
    revision = ctl.durable_revision()
    for attempt in range(2, CONN_BLOCK + 1):
        ctl.will(NOW)
    assert ctl.durable_revision() == revision  # a block of numbers costs one write
    ctl.will(NOW)
    assert ctl.durable_revision() != revision
    restarted = controller()
    restarted.restore(ctl.snapshot())
    assert restarted.will(NOW) == (STATUS, status(False, 2 * CONN_BLOCK + 1))  # past the block


def test_a_snapshot_from_before_signed_status_restores_with_numbers_from_one():
    ctl = controller()
    old = ctl.snapshot()
    del old["conn"]
    ctl.restore(old)
    assert ctl.will(NOW) == (STATUS, status(False, 1))


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
    assert ctl.handle(Connected(), NOW + 1) == [
        Publish(STATUS, status(True, 2, NOW + 1), 1, True)
    ] + published(ctl, [1, 3]) + [inventory(ctl, 3, rows, NOW + 1)]


def test_nothing_is_published_while_offline_but_events_are_journaled():
    ctl, cloud = with_deposits(["101"])
    ctl.handle(cloud.command("reserve", parcel="102", cmp=2), NOW)
    assert ctl.handle(Disconnected(), NOW) == []
    actions = type_keys(ctl, "102#") + run(ctl, [DoorOpened(2), DoorClosed(2)])
    actions += run(ctl, [Tick()], NOW + 60_000)
    assert not [a for a in actions if a[0] == PUBLISH]
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
