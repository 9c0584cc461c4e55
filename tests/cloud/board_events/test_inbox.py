import json
import re
import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, SQLModel, func, select

from cloud.board_events import OutOfOrder, apply_device_event
from cloud.core.clock import to_ms
from cloud.core.security import pin_hash
from cloud.models import Compartment, DeviceEvent, Notification, Parcel, PickupCredential
from cloud.services import credentials, notifications, outbox, parcels
from cloud.services.errors import Conflict
from protocol.verifiers import pin_verifier
from protocol.wire import COURIER_CODE_MIN
from tests.support.couriers import registered
from tests.support.scripted_random import ScriptedRandom


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


def the_pin(session, settings):
    [notification] = session.exec(select(Notification)).all()
    return re.search(r"PIN (\d+)", notifications.text_to_send(notification, settings)).group(1)


def test_deposited_issues_a_pin_credential_and_notification(session, reserved, now, settings):
    locker, parcel = reserved
    assert apply_device_event(
        session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings
    )
    deadline = now + timedelta(hours=72)
    assert (parcel.state, parcel.deposited_at, parcel.pickup_deadline) == (
        "deposited",
        now,
        deadline,
    )
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == (
        "occupied",
        parcel.id,
    )
    pin = the_pin(session, settings)
    assert len(pin) == 6
    [credential] = session.exec(select(PickupCredential)).all()
    assert (
        credential.pin_hash == pin_hash(settings.pepper, "L1", pin)
        and credential.expires_at == deadline
    )
    assert commands(session, "credential") == [
        {
            "parcel": "JJD0001",
            "cmp": 1,
            "until": to_ms(deadline),
            "v": pin_verifier(bytes.fromhex(locker.device_key), pin),
            "asof": 1,
            "lang": "en",  # the recipient's, for the board's display lines
        }
    ]  # decided with event 1 applied
    [notification] = session.exec(select(Notification)).all()
    assert (notification.channel, notification.recipient) == ("sms", "+441234567890")
    assert "compartment 1" in notification.message and locker.name in notification.message


def test_the_pin_is_stored_nowhere_in_clear(engine, session, reserved, now, settings):
    locker, _ = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    pin = the_pin(session, settings)
    session.commit()  # SQLite: a session's transaction holds the write lock until it ends
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM pickupcredential").all()
        commands_sent = connection.exec_driver_sql("SELECT body FROM outboxmessage").scalars().all()
    assert rows and not any(pin in str(value) for row in rows for value in row)
    assert not any(pin in body for body in commands_sent)


def test_the_pin_is_in_no_table_in_clear_yet_the_recipient_gets_it(
    engine, session, reserved, now, settings, monkeypatch
):
    locker, _ = reserved
    monkeypatch.setattr(credentials, "_random", ScriptedRandom("58209749"))
    eight = settings.model_copy(update={"pin_length": 8})  # no accidental match in keys or times
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=eight)
    session.commit()
    assert "58209749" not in everything_stored(engine)
    notifier = RecordingNotifier()
    assert notifications.dispatch_pending(session, notifier, now, settings=eight) == 1
    session.commit()
    [(channel, recipient, message)] = notifier.sent
    assert (channel, recipient) == ("sms", "+441234567890")
    assert "compartment 1. PIN 58209749. Collect it by 2030-01-04 12:00 UTC." in message
    [stored] = session.exec(select(Notification)).all()
    assert (stored.sent_at, stored.attempts, stored.sealed_pin) == (now, 1, None)
    assert "58209749" not in stored.message and "PIN ******" in stored.message
    assert notifications.dispatch_pending(session, notifier, now, settings=eight) == 0


def everything_stored(engine):
    """Every value of every row of every table, as text."""
    with engine.connect() as connection:
        return "\n".join(
            str(value)
            for table in SQLModel.metadata.sorted_tables
            for row in connection.execute(table.select())
            for value in row
        )


def test_email_when_the_recipient_has_no_phone(session, make_locker, parcel_data, now, settings):
    locker, _ = make_locker()
    parcels.preadvise(
        session,
        parcel_data(recipient={"name": "Ada", "email": "ada@example.org"}),
        now,
        settings=settings,
    )
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    [notification] = session.exec(select(Notification)).all()
    assert (notification.channel, notification.recipient) == ("email", "ada@example.org")


def test_a_repeated_event_is_applied_once_and_acknowledged_each_time(
    session, reserved, now, settings
):
    locker, _ = reserved
    body = event(1, parcel="JJD0001", cmp=1)
    assert apply_device_event(session, locker, body, now, settings=settings) is True
    assert apply_device_event(session, locker, dict(body), now, settings=settings) is False
    assert (
        count(session, DeviceEvent),
        count(session, PickupCredential),
        count(session, Notification),
    ) == (1, 1, 1)
    assert commands(session, "ack") == [{"seqs": [1]}, {"seqs": [1]}]


def test_a_twin_applied_concurrently_is_recognised(engine, reserved, session, now, settings):
    """Two workers apply the same event at once: the second waits, then sees a repeat."""
    locker, _ = reserved
    session.commit()
    body = event(1, parcel="JJD0001", cmp=1)
    first = Session(engine)
    assert apply_device_event(first, first.get(type(locker), "L1"), body, now, settings=settings)
    result = {}
    twin = threading.Thread(
        target=_apply_in_own_session, args=(engine, body, now, settings, result)
    )
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

        result["applied"] = apply_device_event(
            session, session.get(Locker, "L1"), body, now, settings=settings
        )
        session.commit()


def _wait_until_blocked(engine):
    if engine.dialect.name != "postgresql":
        time.sleep(0.3)  # SQLite: the twin waits for the write lock at BEGIN IMMEDIATE
        return
    for _ in range(100):  # PostgreSQL: the twin's INSERT waits on the unique index
        with engine.connect() as connection:
            if connection.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE NOT granted"
            ).scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the twin never blocked")


def test_collected_frees_the_compartment_and_uses_the_credential(session, reserved, now, settings):
    locker, parcel = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    later = now + timedelta(hours=5)
    assert apply_device_event(
        session, locker, event(2, "collected", parcel="JJD0001", cmp=1), later, settings=settings
    )
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


def test_a_deposit_displacing_another_reservation_revokes_it(
    session, reserved, parcel_data, now, settings
):
    locker, parcel = reserved
    other = parcels.preadvise(
        session, parcel_data(tracking_code="JJD0002"), now, settings=settings
    )  # gets cmp 2
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=2), now, settings=settings)
    assert (other.state, other.compartment_id) == ("announced", None)
    assert {"parcel": "JJD0002"} in commands(session, "revoke")


def test_jammed_marks_the_compartment(session, reserved, now, settings):
    locker, _ = reserved
    assert apply_device_event(session, locker, event(1, "jammed", cmp=2), now, settings=settings)
    assert compartment(session, 2).state == "jammed"


@pytest.mark.parametrize(
    "body, reason",
    [
        (event(1, "collected", parcel="NOPE", cmp=1), "parcel NOPE not live"),
        (event(1, "collected", parcel="JJD0001", cmp=1), "parcel JJD0001 is reserved"),
        (event(1, parcel="JJD0001", cmp=99), "no compartment 99"),
        (event(1, "jammed", cmp=42), "no compartment 42"),
        (event(1, "exploded"), "unknown event type"),
    ],
)
def test_an_event_that_does_not_apply_is_recorded_ignored_and_acknowledged(
    session, reserved, now, settings, row_counts, body, reason, caplog
):
    locker, parcel = reserved
    session.commit()
    before = row_counts()
    assert apply_device_event(session, locker, body, now, settings=settings) is True
    session.commit()
    assert row_counts() == {
        **before,
        "deviceevent": 1,
        "outboxmessage": before["outboxmessage"] + 1,
    }
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


def outcome(session, seq):
    return session.exec(select(DeviceEvent.outcome).where(DeviceEvent.seq == seq)).one()


def test_a_deposit_of_a_parcel_no_longer_live_marks_its_compartment_occupied(
    session, reserved, parcel_data, now, settings, caplog
):
    """Cancelled in the cloud while the board still had the reservation: the door sensor wins."""
    locker, parcel = reserved
    parcels.cancel(session, parcel.id, now, settings=settings)
    assert apply_device_event(
        session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings
    )
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("occupied", None)
    assert outcome(session, 1) == "ignored: parcel JJD0001 not live; compartment 1 marked occupied"
    assert "compartment 1 marked occupied" in caplog.text
    assert (parcel.state, count(session, PickupCredential), count(session, Notification)) == (
        "cancelled",
        0,
        0,
    )
    same_size = parcels.preadvise(
        session, parcel_data(tracking_code="JJD0002"), now, settings=settings
    )
    assert session.get(Compartment, same_size.compartment_id).number == 2  # not the full one


def test_a_deposit_of_an_unknown_parcel_takes_the_compartment_from_its_reservation(
    session, reserved, now, settings
):
    locker, parcel = reserved  # JJD0001 reserved in compartment 1
    apply_device_event(session, locker, event(1, parcel="NOPE", cmp=1), now, settings=settings)
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("occupied", None)
    assert (parcel.state, parcel.compartment_id) == ("announced", None)
    assert {"parcel": "JJD0001"} in commands(session, "revoke")
    assert outcome(session, 1) == "ignored: parcel NOPE not live; compartment 1 marked occupied"


def test_a_deposit_not_applied_into_a_compartment_known_occupied_changes_nothing(
    session, reserved, now, settings, row_counts
):
    locker, parcel = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    session.commit()
    before = row_counts()
    apply_device_event(session, locker, event(2, parcel="JJD0001", cmp=1), now, settings=settings)
    session.commit()
    assert row_counts() == {
        **before,
        "deviceevent": before["deviceevent"] + 1,
        "outboxmessage": before["outboxmessage"] + 1,
    }  # the event and its ack
    assert outcome(session, 2) == "ignored: parcel JJD0001 is deposited"
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == (
        "occupied",
        parcel.id,
    )


def test_a_pickup_from_a_compartment_holding_nothing_of_the_clouds_leaves_it_free(
    session, reserved, now, settings
):
    locker, parcel = reserved
    parcels.cancel(session, parcel.id, now, settings=settings)
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    assert apply_device_event(
        session, locker, event(2, "collected", parcel="JJD0001", cmp=1), now, settings=settings
    )
    assert (compartment(session, 1).state, compartment(session, 1).parcel_id) == ("free", None)
    assert outcome(session, 2) == "ignored: parcel JJD0001 not live; compartment 1 marked free"
    assert parcel.state == "cancelled"


def test_a_reused_sequence_number_is_acknowledged_but_not_applied(
    session, reserved, now, settings, caplog
):
    """A board that lost its flash numbers its events from 1 again: seq 1 now means another
    event."""
    locker, parcel = reserved
    first = event(1, "jammed", cmp=2)
    apply_device_event(session, locker, first, now, settings=settings)
    caplog.clear()
    assert (
        apply_device_event(
            session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings
        )
        is False
    )
    [stored] = session.exec(select(DeviceEvent)).all()
    assert json.loads(stored.body) == first
    assert (parcel.state, count(session, PickupCredential)) == ("reserved", 0)
    assert commands(session, "ack") == [{"seqs": [1]}, {"seqs": [1]}]
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "SEQUENCE REUSED" in record.getMessage() and "locker L1" in record.getMessage()
    assert "seq 1 " in record.getMessage()


def test_a_true_repeat_logs_no_error(session, reserved, now, settings, caplog):
    locker, _ = reserved
    body = event(1, "jammed", cmp=2)
    apply_device_event(session, locker, body, now, settings=settings)
    apply_device_event(
        session, locker, {key: body[key] for key in reversed(body)}, now, settings=settings
    )
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_the_board_verifier_is_kept_to_send_the_credential_again(session, reserved, now, settings):
    locker, _ = reserved
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    [credential] = session.exec(select(PickupCredential)).all()
    assert credential.board_verifier == pin_verifier(
        bytes.fromhex(locker.device_key), the_pin(session, settings)
    )


def test_a_pin_is_always_shorter_than_a_courier_code(session, reserved, now, settings, monkeypatch):
    """So it never equals one (typed at the keypad, such a PIN would start a courier session
    instead of opening the door), and one guess tries PINs or courier codes, never both."""
    locker, _ = reserved
    registered(session, "Bob", now, settings, "4711470815")
    monkeypatch.setattr(credentials, "_random", ScriptedRandom("4711470815"))
    longest = settings.model_copy(update={"pin_length": COURIER_CODE_MIN - 1})
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=longest)
    assert the_pin(session, settings) == "471147081"


def test_no_pin_is_issued_where_it_would_need_a_courier_codes_length(
    session, reserved, now, settings
):
    locker, _ = reserved  # a minimum of 10 gets past the settings' check only by model_copy
    too_long = settings.model_copy(update={"pin_length": COURIER_CODE_MIN})
    with pytest.raises(Conflict) as refusal:
        apply_device_event(
            session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=too_long
        )
    assert refusal.value.code == "pins_exhausted"


def test_a_pin_never_equals_one_an_earlier_parcel_with_the_same_code_had_at_the_locker(
    session, reserved, parcel_data, now, settings, monkeypatch
):
    """The board knows parcels by code alone: the first parcel's PIN (and its QR code, bound to
    the PIN's verifier) would open the second, another carrier's, in the same compartment."""
    locker, first = reserved
    monkeypatch.setattr(credentials, "_random", ScriptedRandom("471147471147081508"))
    apply_device_event(session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings)
    apply_device_event(
        session, locker, event(2, "collected", parcel="JJD0001", cmp=1), now, settings=settings
    )
    second = parcels.preadvise(
        session, parcel_data(carrier="UPS"), now, settings=settings
    )  # same code
    apply_device_event(session, locker, event(3, parcel="JJD0001", cmp=1), now, settings=settings)
    assert (first.state, second.state, second.compartment_id) == (
        "collected",
        "deposited",
        first.compartment_id,
    )
    pins = {c.parcel_id: c.pin_hash for c in session.exec(select(PickupCredential)).all()}
    assert pins == {
        first.id: pin_hash(settings.pepper, "L1", "471147"),
        second.id: pin_hash(settings.pepper, "L1", "081508"),
    }


# strict seq order (Locker.applied_seq)


def test_events_in_order_advance_the_watermark(session, reserved, now, settings):
    locker, parcel = reserved
    assert apply_device_event(
        session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings
    )
    assert apply_device_event(
        session, locker, event(2, "collected", parcel="JJD0001", cmp=1), now, settings=settings
    )
    assert locker.applied_seq == 2 and parcel.state == "collected"


def test_an_event_after_a_gap_is_refused_then_applied_after_its_predecessor(
    session, reserved, now, settings
):
    """`collected` (2) overtook `deposited` (1): applied first it would be ignored and the
    deposit would then leave the compartment occupied for good."""
    locker, parcel = reserved
    session.commit()
    collected = event(2, "collected", parcel="JJD0001", cmp=1)
    with pytest.raises(OutOfOrder) as refused:
        apply_device_event(session, locker, collected, now, settings=settings)
    assert (refused.value.seq, refused.value.applied_seq) == (2, 0)
    session.rollback()  # what the bridge's transaction does with it
    assert count(session, DeviceEvent) == 0 and commands(session, "ack") == []
    assert session.get(type(locker), "L1").applied_seq == 0
    assert apply_device_event(
        session, locker, event(1, parcel="JJD0001", cmp=1), now, settings=settings
    )
    assert apply_device_event(session, locker, collected, now, settings=settings)
    assert (parcel.state, compartment(session, 1).state) == ("collected", "free")
    assert [outcome(session, 1), outcome(session, 2)] == ["applied", "applied"]
    assert commands(session, "ack") == [{"seqs": [1]}, {"seqs": [2]}]


def test_an_event_at_or_below_the_watermark_is_a_repeat(session, reserved, now, settings):
    locker, _ = reserved
    for seq in (1, 2):
        apply_device_event(
            session, locker, event(seq, "jammed", cmp=seq + 1), now, settings=settings
        )
    assert (
        apply_device_event(session, locker, event(1, "jammed", cmp=2), now, settings=settings)
        is False
    )
    assert locker.applied_seq == 2 and count(session, DeviceEvent) == 2
    assert commands(session, "ack")[-1] == {"seqs": [1]}


def test_a_seq_below_the_watermark_missing_from_the_inbox_is_acknowledged_and_logged(
    session, reserved, now, settings, caplog
):
    """A locker migrated with a gap in its inbox: the watermark starts at its highest seq."""
    locker, parcel = reserved
    locker.applied_seq = 5
    assert (
        apply_device_event(
            session, locker, event(3, parcel="JJD0001", cmp=1), now, settings=settings
        )
        is False
    )
    assert parcel.state == "reserved" and commands(session, "ack") == [{"seqs": [3]}]
    assert "SEQUENCE REUSED?" in caplog.text


# what the cloud decides carries how far it had applied the board's events (asof)


def test_reserve_and_credential_carry_the_watermark_they_were_decided_at(
    session, reserved, parcel_data, now, settings
):
    locker, _ = reserved
    assert commands(session, "reserve") == [{"parcel": "JJD0001", "cmp": 1, "asof": 0}]
    apply_device_event(session, locker, event(1, "jammed", cmp=3), now, settings=settings)
    apply_device_event(session, locker, event(2, parcel="JJD0001", cmp=1), now, settings=settings)
    parcels.preadvise(session, parcel_data(tracking_code="JJD0002"), now, settings=settings)
    assert commands(session, "reserve")[-1] == {"parcel": "JJD0002", "cmp": 2, "asof": 2}
    [credential] = commands(session, "credential")
    assert credential["asof"] == 2  # the deposit that caused it included


def test_a_reserve_or_credential_without_asof_is_not_queued(session, reserved, now):
    with pytest.raises(ValueError, match="missing asof"):
        outbox.queue(session, "L1", "reserve", {"parcel": "P1", "cmp": 1}, now)
    with pytest.raises(ValueError, match="missing asof"):
        outbox.queue(
            session, "L1", "credential", {"parcel": "P1", "cmp": 1, "v": "0" * 32, "until": 0}, now
        )
