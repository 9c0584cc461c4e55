import io
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr
from sqlmodel import func, select

from cloud.core import security
from cloud.models import Notification
from cloud.services import notifications, parcels

MESSAGE = "Your parcel is in compartment 1. PIN ******. Bye."


class BrokenNotifier:
    def __init__(self):
        self.tries = 0

    def send(self, channel, recipient, message):
        self.tries += 1
        raise ConnectionError("gateway down")


def a_notification(session, make_locker, parcel_data, now, settings, message=MESSAGE, key="k1"):
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    notification = notifications.queue(
        session, parcel, "sms", "+441234567890", "pickup", message, key, now, settings, pin="123456"
    )
    session.flush()
    return notification


def test_a_failed_send_waits_out_its_backoff_with_the_pin_kept_sealed(
    session, make_locker, parcel_data, now, settings
):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    broken = BrokenNotifier()
    assert notifications.dispatch_pending(session, broken, now, settings=settings) == 0
    assert (notification.sent_at, notification.attempts) == (None, 1)
    assert "gateway down" in notification.last_error
    assert (
        now + timedelta(seconds=15) <= notification.next_attempt_at <= now + timedelta(seconds=30)
    )
    assert "123456" not in notification.message
    assert security.unseal(settings.pepper, notification.sealed_pin, security.PIN_SEAL) == "123456"
    notifications.dispatch_pending(session, broken, now + timedelta(seconds=14), settings=settings)
    assert broken.tries == 1  # not before its time
    stream = io.StringIO()
    assert (
        notifications.dispatch_pending(
            session,
            notifications.LoggingNotifier(stream),
            notification.next_attempt_at,
            settings=settings,
        )
        == 1
    )
    assert "PIN 123456" in stream.getvalue() and notification.attempts == 2


def test_backoff_doubles_with_jitter_up_to_a_cap():
    for attempts in range(1, 12):
        full = min(notifications.BACKOFF_CAP_S, notifications.BACKOFF_BASE_S * 2 ** (attempts - 1))
        for _ in range(20):
            delay = notifications.backoff(attempts).total_seconds()
            assert full / 2 <= delay <= full


def test_a_message_is_dead_after_max_attempts_and_forgets_the_pin(
    session, make_locker, parcel_data, now, settings, caplog
):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    broken, at = BrokenNotifier(), now
    for attempt in range(1, notifications.MAX_ATTEMPTS):
        notifications.dispatch_pending(session, broken, at, settings=settings)
        assert notification.sealed_pin is not None and notification.dead_at is None, attempt
        at = notification.next_attempt_at
    notifications.dispatch_pending(session, broken, at, settings=settings)
    assert (notification.attempts, notification.sealed_pin, notification.dead_at) == (
        notifications.MAX_ATTEMPTS,
        None,
        at,
    )
    notifications.dispatch_pending(session, broken, at + timedelta(days=30), settings=settings)
    assert broken.tries == notifications.MAX_ATTEMPTS  # the dead stay dead
    assert "given up" in caplog.text


def test_queueing_the_same_message_twice_keeps_one(
    session, make_locker, parcel_data, now, settings
):
    first = a_notification(session, make_locker, parcel_data, now, settings)
    parcel = parcels.find_parcels(session)[0]
    again = notifications.queue(
        session,
        parcel,
        "sms",
        "+441234567890",
        "pickup",
        MESSAGE,
        "k1",
        now,
        settings,
        pin="654321",
    )
    assert again.id == first.id
    assert session.exec(select(func.count()).select_from(Notification)).one() == 1


def test_the_logging_notifier_writes_each_message_with_its_pin(
    session, make_locker, parcel_data, now, settings
):
    a_notification(session, make_locker, parcel_data, now, settings)
    stream = io.StringIO()
    assert (
        notifications.dispatch_pending(
            session, notifications.LoggingNotifier(stream), now, settings=settings
        )
        == 1
    )
    assert (
        "[sms to +441234567890] Your parcel is in compartment 1. PIN 123456. Bye."
        in stream.getvalue()
    )
    [stored] = session.exec(select(Notification)).all()
    assert (stored.message, stored.sealed_pin) == (MESSAGE, None)


def test_the_pin_takes_the_last_placeholder(session, make_locker, parcel_data, now, settings):
    """The locker's name and address come first and could hold anything, even the placeholder."""
    notification = a_notification(
        session,
        make_locker,
        parcel_data,
        now,
        settings,
        message="At locker PIN ******, compartment 1. PIN ******. Bye.",
    )
    assert (
        notifications.text_to_send(notification, settings)
        == "At locker PIN ******, compartment 1. PIN 123456. Bye."
    )


def test_a_pin_sealed_under_another_pepper_is_a_failed_attempt(
    session, make_locker, parcel_data, now, settings
):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    other = settings.model_copy(update={"pin_pepper": SecretStr("another-pepper-0123456789")})
    with pytest.raises(InvalidTag):
        notifications.text_to_send(notification, other)
    assert (
        notifications.dispatch_pending(
            session, notifications.LoggingNotifier(), now, settings=other
        )
        == 0
    )
    assert (notification.sent_at, notification.attempts) == (None, 1)
