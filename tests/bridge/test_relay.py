"""The outbox relay against a real database: order, counters, retries and expiry."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bridge.relay import OutboxRelay, PublishFailed, RelayLease
from cloud.models import OutboxMessage
from cloud.services import outbox
from protocol import wire


class Broker:
    """Records what was published; fails the next `failures` publishes."""

    def __init__(self, failures=0):
        self.published, self.failures = [], failures

    def publish(self, topic, payload):
        if self.failures:
            self.failures -= 1
            raise PublishFailed("no PUBACK")
        self.published.append((topic, payload))


@pytest.fixture
def board_key(session, make_locker, settings, now):
    _, key = make_locker("L1")
    for parcel in ("P1", "P2"):
        outbox.queue(session, "L1", "revoke", {"parcel": parcel}, now, settings=settings)
    session.commit()
    return bytes.fromhex(key)


def _commands(broker, key):
    return [wire.check_command(wire.open_signed(key, payload)) for _, payload in broker.published]


def test_publishes_in_order_with_rising_counters(engine, board_key, now):
    broker = Broker()
    sent = OutboxRelay(engine, broker.publish, lambda: now).relay_pending()
    commands = [c for c in _commands(broker, board_key) if c["type"] == "revoke"]
    assert sent == len(broker.published)
    assert [c["parcel"] for c in commands] == ["P1", "P2"]
    counters = [c["ctr"] for c in _commands(broker, board_key)]
    assert counters == sorted(counters) and len(set(counters)) == len(counters)
    assert {t for t, _ in broker.published} == {"lockers/L1/commands"}
    assert OutboxRelay(engine, broker.publish, lambda: now).relay_pending() == 0


def test_a_failed_publish_is_retried_with_the_very_same_command(engine, board_key, now):
    broker = Broker(failures=1)
    relay = OutboxRelay(engine, broker.publish, lambda: now)
    with pytest.raises(PublishFailed):
        relay.relay_pending()
    relay.relay_pending()
    first = _commands(broker, board_key)[0]
    with Session(engine) as session:
        assert outbox.pending(session, "L1") == []
    # The failed attempt may have reached the board; its counter is never given to another command.
    assert first["ctr"] == 1 and [c["ctr"] for c in _commands(broker, board_key)][1] == 2


def test_a_command_that_expired_unsent_is_dropped_never_sent_late(engine, board_key, now, settings):
    broker = Broker()
    too_late = now + timedelta(seconds=settings.sync_command_ttl_s)  # even a `revoke` has expired
    OutboxRelay(engine, broker.publish, lambda: too_late).relay_pending()
    assert [c["type"] for c in _commands(broker, board_key)] == []
    with Session(engine) as session:
        assert all(m.dropped_at for m in session.exec(select(OutboxMessage)).all())


def test_one_relay_publishes_at_a_time_on_postgresql(engine):
    first, second = RelayLease(engine), RelayLease(engine)
    try:
        assert first.held()
        if engine.dialect.name == "postgresql":
            assert not second.held()  # two relays could deliver one board's counters out of order
            first.release()
            assert second.held()  # and the standby takes over when the first goes away
        else:
            assert second.held()  # SQLite: one process, one relay
    finally:
        first.release()
        second.release()
