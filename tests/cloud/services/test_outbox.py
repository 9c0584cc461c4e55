from datetime import timedelta

import pytest

from cloud.core.clock import to_ms
from cloud.models import Locker, OutboxMessage
from cloud.services import outbox
from cloud.services.errors import Conflict
from protocol import wire


def opened(locker, sealed):
    return wire.check_command(wire.open_signed(bytes.fromhex(locker.device_key), sealed.payload))


def test_sealed_commands_verify_on_the_board_with_rising_counters(session, make_locker, now):
    locker, key = make_locker()
    first = outbox.queue(
        session, "L1", "reserve", {"parcel": "P1", "cmp": 2, "asof": 0}, now, ttl_s=60
    )
    outbox.queue(session, "L1", "open", {"cmp": 3}, now, ttl_s=60)
    sealed = outbox.next_sealed(session, now)
    assert (sealed.message_id, sealed.topic, sealed.counter) == (first.id, "lockers/L1/commands", 1)
    assert opened(locker, sealed) == {
        "lkr": "L1",
        "ctr": 1,
        "exp": to_ms(now + timedelta(seconds=60)),
        "type": "reserve",
        "parcel": "P1",
        "cmp": 2,
        "asof": 0,
    }
    outbox.mark_sent(session, sealed.message_id, now)
    second = outbox.next_sealed(session, now)
    assert opened(locker, second)["ctr"] == 2 and opened(locker, second)["type"] == "open"
    outbox.mark_sent(session, second.message_id, now)
    assert outbox.next_sealed(session, now) is None
    assert session.get(Locker, "L1").command_counter == 2
    assert key == locker.device_key


def test_each_board_signs_with_its_own_key_and_counter(session, make_locker, now):
    one, _ = make_locker("L1")
    two, _ = make_locker("L2")
    outbox.queue(session, "L2", "open", {"cmp": 1}, now)
    sealed = outbox.next_sealed(session, now)
    assert opened(two, sealed)["ctr"] == 1
    with pytest.raises(wire.WireError):
        opened(one, sealed)


def test_expired_commands_are_dropped_not_sent(session, make_locker, now):
    locker, _ = make_locker()
    stale = outbox.queue(session, "L1", "open", {"cmp": 1}, now, ttl_s=10)
    fresh = outbox.queue(session, "L1", "open", {"cmp": 2}, now, ttl_s=600)
    later = now + timedelta(seconds=10)
    sealed = outbox.next_sealed(session, later)
    assert sealed.message_id == fresh.id and opened(locker, sealed)["ctr"] == 1  # no counter spent
    assert (stale.dropped_at, stale.sent_at) == (later, None)


def test_only_expired_commands_leave_nothing_to_send(session, make_locker, now):
    make_locker()
    stale = outbox.queue(session, "L1", "open", {"cmp": 1}, now, ttl_s=10)
    assert outbox.next_sealed(session, now + timedelta(hours=1)) is None
    assert stale.dropped_at is not None


def test_a_failed_publish_rolls_back_counter_and_row(engine, session, make_locker, now):
    make_locker()
    outbox.queue(session, "L1", "open", {"cmp": 1}, now)
    session.commit()
    assert outbox.next_sealed(session, now).counter == 1
    session.rollback()  # the relay's publish raised
    again = outbox.next_sealed(session, now)
    assert again.counter == 1
    outbox.mark_sent(session, again.message_id, now)
    session.commit()
    assert session.get(OutboxMessage, again.message_id).sent_at == now


@pytest.mark.parametrize(
    "type, fields, ttl_s",
    [
        ("reserve", {"parcel": "P1", "cmp": 1, "asof": 0}, 7 * 24 * 3600),
        ("revoke", {"parcel": "P1"}, 7 * 24 * 3600),
        ("couriers", {"v": []}, 7 * 24 * 3600),
        ("ack", {"seqs": [1]}, 7 * 24 * 3600),  # a board whose clock runs fast must still get acks
        ("open", {"cmp": 1}, 600),
    ],
)
def test_state_and_acks_wait_for_the_board_for_days_while_open_expires_soon(
    session, make_locker, now, settings, type, fields, ttl_s
):
    make_locker()
    message = outbox.queue(session, "L1", type, fields, now, settings=settings)
    assert message.expires_at == now + timedelta(seconds=ttl_s)
    assert outbox.default_ttl_s(type, settings) == ttl_s


def test_a_reserve_published_after_a_long_outage_still_reaches_the_board(
    session, make_locker, now, settings
):
    locker, _ = make_locker()
    outbox.queue(
        session, "L1", "reserve", {"parcel": "P1", "cmp": 1, "asof": 0}, now, settings=settings
    )
    sealed = outbox.next_sealed(session, now + timedelta(days=2))
    assert sealed is not None and opened(locker, sealed)["type"] == "reserve"


def test_a_malformed_command_is_refused_when_queued(session, make_locker, now):
    make_locker()
    with pytest.raises(ValueError, match="invalid parcel"):
        outbox.queue(session, "L1", "reserve", {"parcel": "has space", "cmp": 1, "asof": 0}, now)
    with pytest.raises(ValueError, match="unknown type"):
        outbox.queue(session, "L1", "selfdestruct", {}, now)


def test_a_command_too_large_for_the_board_is_refused(session, make_locker, now):
    make_locker()
    with pytest.raises(Conflict) as refusal:
        outbox.queue(session, "L1", "couriers", {"v": ["0" * 32] * 200}, now)
    assert refusal.value.code == "command_too_large"
