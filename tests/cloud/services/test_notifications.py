import io

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr
from sqlmodel import select

from cloud.core import security
from cloud.models import Notification
from cloud.services import notifications, parcels

MESSAGE = "Your parcel is in compartment 1. PIN ******. Bye."


class BrokenNotifier:
    def send(self, channel, recipient, message):
        raise ConnectionError("gateway down")


def a_notification(session, make_locker, parcel_data, now, settings, message=MESSAGE):
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    notification = Notification(parcel_id=parcel.id, channel="sms", recipient="+441234567890",
                                message=message, sealed_pin=notifications.seal_pin(settings, "123456"),
                                created_at=now)
    session.add(notification)
    session.flush()
    return notification


def test_a_failed_send_is_retried_later_with_the_pin_kept_sealed(session, make_locker, parcel_data, now, settings):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    assert notifications.dispatch_pending(session, BrokenNotifier(), now, settings=settings) == 0
    assert (notification.sent_at, notification.attempts) == (None, 1)
    assert "123456" not in notification.message
    assert security.unseal(settings.pepper, notification.sealed_pin, security.PIN_SEAL) == "123456"


def test_gives_up_after_max_attempts_and_forgets_the_pin(session, make_locker, parcel_data, now, settings, caplog):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    for attempt in range(1, notifications.MAX_ATTEMPTS):
        notifications.dispatch_pending(session, BrokenNotifier(), now, settings=settings)
        assert notification.sealed_pin is not None, attempt
    for _ in range(3):
        notifications.dispatch_pending(session, BrokenNotifier(), now, settings=settings)
    assert (notification.attempts, notification.sealed_pin) == (notifications.MAX_ATTEMPTS, None)
    assert "given up" in caplog.text


def test_the_logging_notifier_writes_each_message_with_its_pin(session, make_locker, parcel_data, now, settings):
    a_notification(session, make_locker, parcel_data, now, settings)
    stream = io.StringIO()
    assert notifications.dispatch_pending(session, notifications.LoggingNotifier(stream), now, settings=settings) == 1
    assert "[sms to +441234567890] Your parcel is in compartment 1. PIN 123456. Bye." in stream.getvalue()
    [stored] = session.exec(select(Notification)).all()
    assert (stored.message, stored.sealed_pin) == (MESSAGE, None)


def test_the_pin_takes_the_last_placeholder(session, make_locker, parcel_data, now, settings):
    """The locker's name and address come first and could hold anything, even the placeholder."""
    notification = a_notification(session, make_locker, parcel_data, now, settings,
                                  message="At locker PIN ******, compartment 1. PIN ******. Bye.")
    assert notifications.text_to_send(notification, settings) == \
        "At locker PIN ******, compartment 1. PIN 123456. Bye."


def test_a_pin_sealed_under_another_pepper_is_a_failed_attempt(session, make_locker, parcel_data, now, settings):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    other = settings.model_copy(update={"pin_pepper": SecretStr("another-pepper-0123456789")})
    with pytest.raises(InvalidTag):
        notifications.text_to_send(notification, other)
    assert notifications.dispatch_pending(session, notifications.LoggingNotifier(), now, settings=other) == 0
    assert (notification.sent_at, notification.attempts) == (None, 1)

