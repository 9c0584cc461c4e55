import json
import re
import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from cloud.core.clock import to_ms
from cloud.core.security import pin_hash
from cloud.models import Compartment, DeviceEvent, Notification, Parcel, PickupCredential
from cloud.services import notifications, outbox, parcels
from cloud.services.device_events import apply_device_event
from firmware.core.verifiers import pin_verifier


class RecordingNotifier:
    def __init__(self):
        self.sent = []

    def send(self, channel, recipient, message):
        self.sent.append((channel, recipient, message))


def event(seq, type="deposited", **fields):
    return {"lkr": "L1", "seq": seq, "t": 1_893_499_200_000, "type": type, **fields}


@pytest.fixture
def reserved(session, make_locker, parcel_data, now, settings):
    """Locker L1 (S, M, L) with parcel JJD0001 reserved in compartment 1."""
    locker, key = make_locker(sizes="SML")
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    return locker, parcel


def commands(session, type):
    return [json.loads(m.body) for m in outbox.pending(session, "L1") if m.type == type]


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def compartment(session, number):
    return session.exec(select(Compartment).where(Compartment.number == number)).one()


def the_pin(session):
    [notification] = session.exec(select(Notification)).all()
    return re.search(r"PIN (\d+)", notification.message).group(1)


def test_deposited_issues_a_pin_credential_and_notification(session, reserved, now, settings):
    locker, parcel = reserved
    assert apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    deadline = now + timedelta(hours=72)
    assert (parcel.state, parcel.deposited_at, parcel.pickup_deadline) == ("deposited", now, deadline)
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("occupied", parcel.id)
    pin = the_pin(session)
    assert len(pin) == 6
    [credential] = session.exec(select(PickupCredential)).all()
    assert credential.pin_hash == pin_hash(settings.pepper, "L1", pin) and credential.expires_at == deadline
    assert commands(session, "credential") == [{"parcel": "JJD0001", "cmp": 1, "until": to_ms(deadline),
                                                "v": pin_verifier(bytes.fromhex(locker.device_key), pin)}]
    [notification] = session.exec(select(Notification)).all()
    assert (notification.channel, notification.recipient) == ("sms", "+441234567890")
    assert "compartment 1" in notification.message and locker.name in notification.message


def test_the_pin_is_stored_nowhere_in_clear(engine, session, reserved, now, settings):
    locker, _ = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    pin = the_pin(session)
    session.commit()  # SQLite: a session's transaction holds the write lock until it ends
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM pickupcredential").all()
        commands_sent = connection.exec_driver_sql("SELECT body FROM outboxmessage").scalars().all()
    assert rows and not any(pin in str(value) for row in rows for value in row)
    assert not any(pin in body for body in commands_sent)


def test_the_pin_is_redacted_once_the_notification_is_sent(engine, session, reserved, now, settings):
    locker, _ = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    pin = the_pin(session)
    notifier = RecordingNotifier()
    assert notifications.dispatch_pending(session, notifier, now) == 1
    session.commit()
    [(channel, recipient, message)] = notifier.sent
    assert pin in message and channel == "sms"
    [stored] = session.exec(select(Notification)).all()
    assert pin not in stored.message and "PIN ******" in stored.message
    assert (stored.sent_at, stored.attempts) == (now, 1)
    assert notifications.dispatch_pending(session, notifier, now) == 0


def test_email_when_the_recipient_has_no_phone(session, make_locker, parcel_data, now, settings):
    locker, _ = make_locker()
    parcels.preadvise(session, parcel_data(recipient={"name": "Ada", "email": "ada@example.org"}), now, settings=settings)
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    [notification] = session.exec(select(Notification)).all()
    assert (notification.channel, notification.recipient) == ("email", "ada@example.org")


def test_a_repeated_event_is_applied_once_and_acknowledged_each_time(session, reserved, now, settings):
    locker, _ = reserved
    body = event(7, parcel="JJD0001", cmp=1)
    assert apply_device_event(session, locker, body, now, settings=settings) is True
    assert apply_device_event(session, locker, dict(body), now, settings=settings) is False
    assert (count(session, DeviceEvent), count(session, PickupCredential), count(session, Notification)) == (1, 1, 1)
    assert commands(session, "ack") == [{"seqs": [7]}, {"seqs": [7]}]


def test_a_twin_applied_concurrently_is_recognised(engine, reserved, session, now, settings):
    """Two workers apply the same event at once: the second waits, then sees a repeat."""
    locker, _ = reserved
    session.commit()
    body = event(3, parcel="JJD0001", cmp=1)
    first = Session(engine)
    assert apply_device_event(first, first.get(type(locker), "L1"), body, now, settings=settings)
    result = {}
    twin = threading.Thread(target=_apply_in_own_session, args=(engine, body, now, settings, result))
    twin.start()
    _wait_until_blocked(engine)
    first.commit()
    first.close()
    twin.join(timeout=30)
    assert result == {"applied": False}
    with Session(engine) as check:
        assert count(check, DeviceEvent) == 1 and len(commands(check, "ack")) == 2


def _apply_in_own_session(engine, body, now, settings, result):
    with Session(engine) as session:
        from cloud.models import Locker
        result["applied"] = apply_device_event(session, session.get(Locker, "L1"), body, now, settings=settings)
        session.commit()


def _wait_until_blocked(engine):
    if engine.dialect.name != "postgresql":
        time.sleep(0.3)  # SQLite: the twin waits for the write lock at BEGIN IMMEDIATE
        return
    for _ in range(100):  # PostgreSQL: the twin's INSERT waits on the unique index
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE NOT granted").scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the twin never blocked")


def test_collected_frees_the_compartment_and_uses_the_credential(session, reserved, now, settings):
    locker, parcel = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    later = now + timedelta(hours=5)
    assert apply_device_event(session, locker, event(2, "collected", parcel="JJD0001", cmp=1), later, settings=settings)
    assert (parcel.state, parcel.collected_at) == ("collected", later)
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("free", None)
    [credential] = session.exec(select(PickupCredential)).all()
    assert credential.used_at == later


def test_a_deposit_in_another_compartment_follows_the_board(session, reserved, now, settings):
    locker, parcel = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=3), now, settings=settings)
    assert parcel.compartment_id == compartment(session, 3).id
    assert (compartment(session, 3).state, compartment(session, 1).state) == ("occupied", "free")
    assert commands(session, "credential")[0]["cmp"] == 3


def test_a_deposit_displacing_another_reservation_revokes_it(session, reserved, parcel_data, now, settings):
    locker, parcel = reserved
    other = parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)  # gets cmp 2
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=2), now, settings=settings)
    assert (other.state, other.compartment_id) == ("announced", None)
    assert {"parcel": "JJD0002"} in commands(session, "revoke")


def test_jammed_marks_the_compartment(session, reserved, now, settings):
    locker, _ = reserved
    assert apply_device_event(session, locker, event(1, "jammed", cmp=2), now, settings=settings)
    assert compartment(session, 2).state == "jammed"


@pytest.mark.parametrize("body, reason", [
    (event(1, parcel="NOPE", cmp=1), "no live parcel NOPE"),
    (event(1, "collected", parcel="JJD0001", cmp=1), "parcel JJD0001 is reserved"),
    (event(1, parcel="JJD0001", cmp=99), "no compartment 99"),
    (event(1, "jammed", cmp=42), "no compartment 42"),
    (event(1, "exploded"), "unknown event type"),
])
def test_an_event_that_does_not_apply_is_recorded_ignored_and_acknowledged(session, reserved, now, settings, row_counts, body, reason, caplog):
    locker, parcel = reserved
    session.commit()
    before = row_counts()
    assert apply_device_event(session, locker, body, now, settings=settings) is True
    session.commit()
    assert row_counts() == {**before, "deviceevent": 1, "outboxmessage": before["outboxmessage"] + 1}
    [recorded] = session.exec(select(DeviceEvent)).all()
    assert recorded.outcome.startswith("ignored: ") and reason in recorded.outcome
    assert reason in caplog.text
    assert commands(session, "ack") == [{"seqs": [1]}]
    assert session.get(Parcel, parcel.id).state == "reserved"
    assert compartment(session, 1).state == "reserved"


def test_pins_of_one_locker_never_collide(session, make_locker, parcel_data, now):
    from cloud.core.config import Settings
    tiny = Settings(pin_pepper="test-pepper-0123456789abcdef", pin_length=4)
    locker, _ = make_locker(sizes="S" * 30)
    for n in range(1, 31):
        parcels.preadvise(session, parcel_data(tracking_code=f"P{n}"), now, settings=tiny)
        apply_device_event(session, locker, event(n, parcel=f"P{n}", cmp=n), now, settings=tiny)
    hashes = session.exec(select(PickupCredential.pin_hash)).all()
    assert len(set(hashes)) == 30
