import io

from sqlmodel import select

from cloud.models import Notification
from cloud.services import notifications, parcels


class BrokenNotifier:
    def send(self, channel, recipient, message):
        raise ConnectionError("gateway down")


def a_notification(session, make_locker, parcel_data, now, settings):
    make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    notification = Notification(parcel_id=parcel.id, channel="sms", recipient="+441234567890",
                                message="Your parcel is in compartment 1. PIN 123456. Bye.", created_at=now)
    session.add(notification)
    session.flush()
    return notification


def test_a_failed_send_is_retried_later_with_the_pin_kept(session, make_locker, parcel_data, now, settings):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    assert notifications.dispatch_pending(session, BrokenNotifier(), now) == 0
    assert (notification.sent_at, notification.attempts) == (None, 1)
    assert "PIN 123456" in notification.message


def test_gives_up_after_max_attempts(session, make_locker, parcel_data, now, settings):
    notification = a_notification(session, make_locker, parcel_data, now, settings)
    for _ in range(notifications.MAX_ATTEMPTS + 2):
        notifications.dispatch_pending(session, BrokenNotifier(), now)
    assert notification.attempts == notifications.MAX_ATTEMPTS


def test_the_logging_notifier_writes_each_message(session, make_locker, parcel_data, now, settings):
    a_notification(session, make_locker, parcel_data, now, settings)
    stream = io.StringIO()
    assert notifications.dispatch_pending(session, notifications.LoggingNotifier(stream), now) == 1
    assert "[sms to +441234567890]" in stream.getvalue() and "PIN 123456" in stream.getvalue()
    [stored] = session.exec(select(Notification)).all()
    assert stored.message == "Your parcel is in compartment 1. PIN ******. Bye."


def test_redact_removes_every_pin():
    assert notifications.redact("PIN 0042 and PIN 9") == "PIN ****** and PIN ******"
