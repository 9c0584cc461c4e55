"""Alarms reach people: the on-call rota of the alarm's site is paged, one person at a time,
the next when a page is not acknowledged in time (Settings.page_ack_minutes).

Paged for: tamper, a jammed lock, a door left open, and a board offline longer than
Settings.page_offline_minutes. A page goes by SMS to the operator's phone, else by email,
with a signed link that acknowledges it; every page and every acknowledgement is audited. An
alarm acknowledged or resolved on the admin page is paged no more."""

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.core import tokens
from cloud.core.config import Settings
from cloud.models import Alarm, Locker, OnCallEntry, Operator, Page
from cloud.notify import Outgoing
from cloud.notify.channels import channels_from
from cloud.services import alarms, audit
from cloud.services.errors import Forbidden, NotFound

PAGED_KINDS = ("tamper", "jammed", "left_open", "offline")
_SUBJECT = "page:"


def page_due(session: Session, now: datetime, settings: Settings, channels) -> int:
    """Page whoever is due for every open alarm that pages; the number of pages sent."""
    sent = 0
    for alarm in _pageable(session, now, settings):
        pages = list(
            session.exec(select(Page).where(Page.alarm_id == alarm.id).order_by(col(Page.level)))
        )
        if pages and (pages[-1].acknowledged_at is not None or now < pages[-1].escalate_at):
            continue
        rota = rota_of(session, _site(session, alarm))
        level = pages[-1].level + 1 if pages else 0
        if level >= len(rota):
            continue  # everyone was paged: the alarm stays on the admin page
        _page(session, alarm, rota[level], level, now, settings, channels)
        sent += 1
    return sent


def paging_job(session: Session, now: datetime, settings: Settings) -> int:
    """The maintenance loop's step: page through the channels the settings configure."""
    return page_due(session, now, settings, channels_from(settings))


def rota_of(session: Session, site: str) -> list[Operator]:
    """The site's rota, first paged first; a site with none falls back to the fleet's ("")."""
    for name in dict.fromkeys((site, "")):
        query = (
            select(Operator)
            .join(OnCallEntry, col(OnCallEntry.operator_id) == col(Operator.id))
            .where(OnCallEntry.site == name, col(Operator.active))
            .order_by(col(OnCallEntry.position))
        )
        rota = list(session.exec(query))
        if rota:
            return rota
    return []


def set_rota(session: Session, site: str, usernames: list[str], now: datetime, *, actor: str):
    """Replace a site's rota; NotFound for an unknown operator, Forbidden for one who cannot
    be reached (no phone, no email)."""
    operators = []
    for username in usernames:
        operator = session.exec(select(Operator).where(Operator.username == username)).first()
        if operator is None or not operator.active:
            raise NotFound("operator", username)
        if not (operator.phone or operator.email):
            raise Forbidden("unreachable", f"operator {username} has no phone or email to page")
        operators.append(operator)
    if len({o.id for o in operators}) != len(operators):
        raise Forbidden("duplicate_on_call", "an operator appears twice in the rota")
    for entry in session.exec(select(OnCallEntry).where(OnCallEntry.site == site)):
        session.delete(entry)
    session.flush()
    for position, operator in enumerate(operators):
        session.add(OnCallEntry(site=site, position=position, operator_id=operator.id))
    audit.record(session, actor, "on_call_set", f"site:{site}", now, operators=usernames)
    session.flush()


def set_contact(
    session: Session, operator: Operator, phone: str | None, email: str | None, now, actor: str
) -> None:
    """Where pages reach `operator`: SMS to the phone if given, else email (audited)."""
    operator.phone, operator.email = phone, email
    audit.record(
        session,
        actor,
        "operator_contact_set",
        f"operator:{operator.username}",
        now,
        phone=bool(phone),
        email=bool(email),
    )


def acknowledge(session: Session, page_id: int, operator: Operator, now: datetime) -> Page:
    """The paged person (or an admin) has seen it: no one else is paged for this alarm."""
    page = session.get(Page, page_id, with_for_update=True)
    if page is None:
        raise NotFound("page", page_id)
    if page.operator_id != operator.id and operator.role != "admin":
        raise Forbidden("not_your_page", f"page {page_id} was sent to someone else")
    if page.acknowledged_at is None:
        page.acknowledged_at = now
        audit.record(
            session,
            f"operator:{operator.username}",
            "page_acknowledged",
            f"alarm:{page.alarm_id}",
            now,
            page=page.id,
        )
    return page


def ack_token(settings: Settings, page: Page, now: datetime) -> str:
    return tokens.sign(_key(settings), _SUBJECT + str(page.id), now + timedelta(days=2))


def page_of(settings: Settings, token: str, now: datetime) -> int | None:
    """The page a valid, unexpired acknowledgement link names; None for anything else."""
    subject = tokens.verified_subject(_key(settings), token, now)
    if subject is None or not subject.startswith(_SUBJECT):
        return None
    number = subject[len(_SUBJECT) :]
    return int(number) if number.isdigit() else None


def _pageable(session: Session, now: datetime, settings: Settings) -> list[Alarm]:
    offline_since = now - timedelta(minutes=settings.page_offline_minutes)
    query = (
        select(Alarm)
        .where(
            alarms.is_open(), col(Alarm.kind).in_(PAGED_KINDS), col(Alarm.locker_id).is_not(None)
        )
        .order_by(col(Alarm.id))
    )
    return [a for a in session.exec(query) if a.kind != "offline" or a.raised_at <= offline_since]


def _site(session: Session, alarm: Alarm) -> str:
    locker = session.get(Locker, alarm.locker_id)
    return locker.site if locker is not None else ""


def _page(session, alarm, operator, level, now, settings, channels) -> Page:
    channel, address = ("sms", operator.phone) if operator.phone else ("email", operator.email)
    page = Page(
        alarm_id=alarm.id,
        operator_id=operator.id,
        level=level,
        channel=channel,
        paged_at=now,
        escalate_at=now + timedelta(minutes=settings.page_ack_minutes),
    )
    session.add(page)
    session.flush()
    link = f"{settings.public_url}/api/v1/pages/{page.id}/link?token="
    text = (
        f"openlocker ALARM {alarm.kind} at locker {alarm.locker_id}"
        + (f" compartment {alarm.compartment}" if alarm.compartment else "")
        + f": {alarm.detail}. Acknowledge within {settings.page_ack_minutes} min or the next "
        f"person on call is paged: {link}{ack_token(settings, page, now)}"
    )
    try:
        channels.deliver(
            Outgoing(
                key=f"page:{page.id}",
                channel=channel,
                recipient=address,
                text=text,
                subject=f"ALARM {alarm.kind} at {alarm.locker_id}",
            )
        )
    except Exception as error:  # the next person is paged on time all the same
        page.error = f"{type(error).__name__}: {error}"[:500]
    audit.record(
        session,
        "system",
        "operator_paged",
        f"alarm:{alarm.id}",
        now,
        operator=operator.username,
        level=level,
        channel=channel,
        error=page.error or "",
    )
    return page


def _key(settings: Settings) -> bytes:
    # Its own key: an acknowledgement link is never a login, nor a recipient's link.
    return hmac.new(
        settings.token_key, b"openlocker page acknowledgements v1", hashlib.sha256
    ).digest()
