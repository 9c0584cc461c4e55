"""Messages to recipients and carriers: an outbox written with the decision, sent later with
retries (exponential backoff with jitter) until sent or dead.

The PIN and the QR token are never stored in clear: the message holds a placeholder and the
secrets are kept sealed next to it; the text with the PIN is built only to hand it to the
channel, and the seals are cleared once the message is sent or given up on.
"""

import json
import logging
import random
from datetime import datetime, timedelta
from typing import Protocol, TextIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloud.core import security
from cloud.core.config import Settings, get_settings
from cloud.i18n import say
from cloud.models import Carrier, Compartment, Locker, Notification, Parcel
from cloud.notify import Outgoing, Undeliverable, webhooks
from cloud.services import alarms, audit, recipient_links

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # then the message is dead: about an hour of tries (BACKOFF_*)
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 3600
BATCH = 100  # messages per pass: a long queue does not hold one transaction for ever
PIN_PLACEHOLDER = "PIN ******"
QR_SEAL = b"openlocker pickup-qr seal v1"
_jitter = random.Random()


class Notifier(Protocol):
    """Delivers one message on a channel ("sms", "email" or "webhook"); raises if it could not.
    A notifier with `deliver(Outgoing)` (cloud/notify/channels.py) gets the whole message."""

    def send(self, channel: str, recipient: str, message: str) -> None: ...


class LoggingNotifier:
    """Stands in for every channel: logs each message (and writes it to `stream`)."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, channel: str, recipient: str, message: str) -> None:
        log.info("%s to %s: %s", channel, recipient, message)
        if self.stream is not None:
            print(f"[{channel} to {recipient}] {message}", file=self.stream, flush=True)


def queue(
    session: Session,
    parcel: Parcel,
    channel: str,
    recipient: str,
    kind: str,
    message: str,
    key: str,
    now: datetime,
    settings: Settings,
    *,
    subject: str = "",
    pin: str | None = None,
    qr_token: str | None = None,
) -> Notification:
    """Write a message to the outbox; one already queued under `key` is kept instead."""
    existing = _queued(session, key)
    if existing is not None:
        return existing
    notification = Notification(
        parcel_id=parcel.id,
        channel=channel,
        recipient=recipient,
        kind=kind,
        subject=subject,
        message=message,
        idempotency_key=key,
        created_at=now,
        next_attempt_at=now,
        sealed_pin=seal_pin(settings, pin) if pin else None,
        sealed_qr=security.seal(settings.pepper, qr_token, QR_SEAL) if qr_token else None,
    )
    try:
        with session.begin_nested():  # a concurrent twin won: keep it
            session.add(notification)
    except IntegrityError:
        return _queued(session, key)
    return notification


def _queued(session: Session, key: str) -> Notification | None:
    return session.exec(select(Notification).where(Notification.idempotency_key == key)).first()


def contacts(phone: str | None, email: str | None) -> list[tuple[str, str]]:
    """(channel, address) for each way to reach a person: SMS and, with the QR image, email."""
    return ([("sms", phone)] if phone else []) + ([("email", email)] if email else [])


def queue_pickup_notice(
    session: Session,
    parcel: Parcel,
    locker: Locker,
    compartment: Compartment,
    pin: str,
    now: datetime,
    settings: Settings,
    *,
    qr_token: str | None = None,
    key: str | None = None,
    to: list[tuple[str, str]] | None = None,
    name: str = "",
) -> list[Notification]:
    """Tell the recipient (or `to`) where the parcel is and the PIN (and QR) that opens its door."""
    lang = parcel.language
    where = (
        say(lang, "locker {name}, {address}", name=locker.name, address=locker.address)
        if locker.address
        else say(lang, "locker {name}", name=locker.name)
    )
    fields = {
        "code": parcel.tracking_code,
        "carrier": parcel.carrier,
        "where": where,
        "number": compartment.number,
        "pin": PIN_PLACEHOLDER,  # the PIN goes in at send time (text_to_send)
        "deadline": deadline_text(parcel.pickup_deadline),
    }
    message = (
        say(
            lang,
            "{name} asks you to collect parcel {code} ({carrier}) from {where}, compartment "
            "{number}. {pin}. Collect it by {deadline}.",
            name=name,
            **fields,
        )
        if name  # to a delegate
        else say(
            lang,
            "Your parcel {code} ({carrier}) is in {where}, compartment {number}. {pin}. "
            "Collect it by {deadline}.",
            **fields,
        )
    )
    holder = recipient_links.DELEGATE if name else recipient_links.RECIPIENT
    message += " " + page_link_text(parcel, settings, holder)
    to = to if to is not None else contacts(parcel.recipient_phone, parcel.recipient_email)
    key = key or f"pickup:{parcel.id}"
    return [
        queue(
            session,
            parcel,
            channel,
            address,
            "pickup",
            message,
            f"{key}:{channel}",
            now,
            settings,
            subject=say(lang, "Your parcel {code} is ready", code=parcel.tracking_code),
            pin=pin,
            qr_token=qr_token,
        )
        for channel, address in to
    ]


def page_link_text(
    parcel: Parcel, settings: Settings, holder: str = recipient_links.RECIPIENT
) -> str:
    """The sentence with the link to the parcel's page, valid until its pickup deadline (after
    the PIN placeholder, which text_to_send looks for last: a token never contains it)."""
    url = recipient_links.page_url(settings, parcel.id, parcel.pickup_deadline, holder)
    return say(parcel.language, "Your parcel's page, with its QR code: {link}", link=url)


def deadline_text(deadline: datetime) -> str:
    """A deadline as every message gives it: ISO-like, in UTC, readable in each language."""
    return f"{deadline:%Y-%m-%d %H:%M} UTC"


def queue_to_recipient(
    session: Session,
    parcel: Parcel,
    kind: str,
    message: str,
    now: datetime,
    settings: Settings,
    *,
    qr_token: str | None = None,
    subject: str = "",
    occasion: str = "",
) -> list[Notification]:
    """A message without PIN to the recipient on each channel they gave (once per `occasion`
    for a kind of message that can come more than once)."""
    to = contacts(parcel.recipient_phone, parcel.recipient_email)
    once = f":{occasion}" if occasion else ""
    return [
        queue(
            session,
            parcel,
            channel,
            address,
            kind,
            message,
            f"{kind}:{parcel.id}:{channel}{once}",
            now,
            settings,
            subject=subject or message[:200],
            qr_token=qr_token,
        )
        for channel, address in to
    ]


def queue_status_webhook(
    session: Session,
    parcel: Parcel,
    event: str,
    now: datetime,
    settings: Settings | None = None,
    *,
    detail: dict[str, str] | None = None,
    occasion: str = "",
) -> Notification | None:
    """A `parcel.<event>` webhook for the parcel's carrier, if it takes webhooks (no personal
    data in it: the carrier has its own). `detail` adds fields to its data; an event that can
    befall a parcel more than once (a redirect) names the `occasion`, so each is sent once."""
    carrier = session.exec(select(Carrier).where(Carrier.name == parcel.carrier)).first()
    if carrier is None or not carrier.webhook_url:
        return None
    key = f"parcel.{event}:{parcel.id}" + (f":{occasion}" if occasion else "")
    body = {
        "id": key,
        "type": f"parcel.{event}",
        "created": int(now.timestamp()),
        "data": {
            "parcel_id": str(parcel.id),
            "carrier": parcel.carrier,
            "tracking_code": parcel.tracking_code,
            "locker_id": parcel.locker_id,
            "state": parcel.state,
            "at": now.isoformat(),
            "pickup_deadline": _iso(parcel.pickup_deadline),
            **(detail or {}),
        },
    }
    return queue(
        session,
        parcel,
        "webhook",
        carrier.name,
        f"parcel.{event}"[:32],
        json.dumps(body, separators=(",", ":"), sort_keys=True),
        key,
        now,
        settings or get_settings(),
    )  # (no secret to seal in a webhook)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def seal_pin(settings: Settings, pin: str) -> str:
    """What a Notification keeps of a PIN."""
    return security.seal(settings.pepper, pin, security.PIN_SEAL)


def text_to_send(notification: Notification, settings: Settings) -> str:
    """The message with the PIN in place of its placeholder (the last one: the locker's name
    and address come before it and could contain anything)."""
    if notification.sealed_pin is None:
        return notification.message
    head, slot, tail = notification.message.rpartition(PIN_PLACEHOLDER)
    if not slot:
        raise ValueError(f"notification {notification.id} has a PIN but no place for it")
    pin = security.unseal(settings.pepper, notification.sealed_pin, security.PIN_SEAL)
    return f"{head}PIN {pin}{tail}"


def outgoing(session: Session, notification: Notification, settings: Settings) -> Outgoing:
    """The message as its channel takes it, secrets unsealed."""
    qr_token = (
        security.unseal(settings.pepper, notification.sealed_qr, QR_SEAL)
        if notification.sealed_qr
        else None
    )
    url = secret = None
    if notification.channel == "webhook":
        carrier = session.exec(
            select(Carrier).where(Carrier.name == notification.recipient)
        ).first()
        url, secret = webhooks.endpoint_of(carrier, settings) or (None, None)
    return Outgoing(
        key=notification.idempotency_key,
        channel=notification.channel,
        recipient=notification.recipient,
        text=text_to_send(notification, settings),
        subject=notification.subject,
        qr_token=qr_token,
        webhook_url=url,
        webhook_secret=secret,
    )


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling, capped, with "equal jitter"
    (half fixed, half random) so that messages failed together do not retry together."""
    delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempts - 1))
    return timedelta(seconds=delay / 2 + _jitter.uniform(0, delay / 2))


def dispatch_pending(
    session: Session, notifier, now: datetime, *, settings: Settings | None = None
) -> int:
    """Send the messages due now (not sent, not dead, next attempt reached); the number sent."""
    settings = settings or get_settings()
    query = (
        select(Notification)
        .where(
            col(Notification.sent_at).is_(None),
            col(Notification.dead_at).is_(None),
            Notification.next_attempt_at <= now,
        )
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    sent = sum(
        _send(session, notifier, notification, now, settings)
        for notification in session.exec(query).all()
    )
    session.flush()
    return sent


def _send(
    session: Session, notifier, notification: Notification, now: datetime, settings: Settings
) -> bool:
    notification.attempts += 1
    try:
        message = outgoing(session, notification, settings)
        if hasattr(notifier, "deliver"):
            reference = notifier.deliver(message)
        else:
            reference = notifier.send(message.channel, message.recipient, message.text)
    except Exception as error:
        _failed(session, notification, error, now)
        return False
    if isinstance(reference, str):  # an SMS gateway's id: its delivery receipt names it
        notification.provider_ref = reference
    notification.sent_at, notification.last_error = now, None
    _forget_secrets(notification)  # they live on only in the message the recipient got
    return True


def _failed(session: Session, notification: Notification, error: Exception, now: datetime) -> None:
    log.warning(
        "notification %s not sent (attempt %d): %s",
        notification.id,
        notification.attempts,
        error,
        exc_info=True,
    )
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    notification.next_attempt_at = now + backoff(notification.attempts)
    if isinstance(error, Undeliverable):  # e.g. a webhook to a refused address: no retry helps
        log.error("notification %s given up at once (dead): %s", notification.id, error)
        give_up(session, notification, now, "undeliverable")
    elif notification.attempts >= MAX_ATTEMPTS:
        log.error(
            "notification %s given up after %d attempts (dead); its PIN is discarded",
            notification.id,
            notification.attempts,
        )
        give_up(session, notification, now, f"{notification.attempts} attempts failed")


def give_up(session: Session, notification: Notification, now: datetime, why: str) -> None:
    """The message will never reach its receiver: dead, its secrets forgotten, and people told,
    since a recipient who never got the PIN cannot collect: an alarm at the parcel's locker
    (one open alarm per locker, counted up) and an audit entry the parcel's timeline shows."""
    notification.dead_at = now
    _forget_secrets(notification)
    parcel = session.get(Parcel, notification.parcel_id)
    what = f"{notification.channel} ({notification.kind}) for parcel {parcel.tracking_code}"
    alarms.raise_alarm(session, parcel.locker_id, "notification_failed", f"{what}: {why}", now)
    audit.record(
        session,
        "system",
        "notification_failed",
        f"parcel:{parcel.id}",
        now,
        channel=notification.channel,
        kind=notification.kind,
        why=why,
        error=notification.last_error or "",
    )


def _forget_secrets(notification: Notification) -> None:
    notification.sealed_pin = notification.sealed_qr = None
