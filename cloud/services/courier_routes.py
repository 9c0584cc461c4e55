"""Courier routes of the day: which lockers know a courier's code, and for how long.

A courier's code reaches a board only for the days that locker is on the courier's route
(CourierRouteStop), and each list the board gets carries `until`, the end of its UTC day.
Changing today's route or revoking a courier sends new lists at once; at the start of each day
`refresh_courier_lists` sends every locker the day's list (the old one dies at midnight anyway).
"""

import uuid
from datetime import date, datetime
from random import Random

from sqlmodel import Session, col, delete, select

from cloud.core.config import Settings, get_settings
from cloud.models import Courier, CourierListSent, CourierRouteStop, Locker
from cloud.services import audit, courier_codes
from cloud.services.couriers import courier_ids_text, push_couriers, routed_couriers
from cloud.services.errors import Conflict, Invalid, NotFound


def set_route(
    session: Session,
    courier_id: uuid.UUID,
    day: date,
    locker_ids: list[str],
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
) -> list[str]:
    """Replace the courier's lockers for `day` (today or later); the route's locker ids.

    For today, every locker that gains or loses the courier gets its new list now."""
    settings = settings or get_settings()
    courier = get_courier(session, courier_id)
    if not courier.active:
        raise Conflict(
            "courier_revoked", f"courier {courier_id} is revoked: a revoked courier gets no route"
        )
    if courier.needs_new_code:
        raise Conflict(
            "courier_needs_new_code",
            f"courier {courier_id} has a code chosen before "
            "the cloud drew them, which no board gets: give them a new one first "
            f"(POST /api/v1/couriers/{courier_id}/code)",
        )
    if day < now.date():
        raise Invalid("route_in_the_past", f"{day} is over (today is {now.date()} UTC)")
    wanted = sorted(set(locker_ids))
    for locker_id in wanted:
        if session.get(Locker, locker_id) is None:
            raise NotFound("locker", locker_id)
    before = route_of(session, courier_id, day)
    session.exec(
        delete(CourierRouteStop).where(
            col(CourierRouteStop.courier_id) == courier_id, col(CourierRouteStop.day) == day
        )
    )
    session.add_all(
        CourierRouteStop(courier_id=courier_id, locker_id=locker_id, day=day)
        for locker_id in wanted
    )
    session.flush()
    if day == now.date():
        _push_to(session, set(before) ^ set(wanted), now, settings)
    audit.record(
        session,
        actor,
        "courier_route_set",
        f"courier:{courier_id}",
        now,
        day=day.isoformat(),
        lockers=wanted,
    )
    return wanted


def route_of(session: Session, courier_id: uuid.UUID, day: date) -> list[str]:
    """The ids of the lockers on the courier's route for `day`, sorted."""
    query = (
        select(CourierRouteStop.locker_id)
        .where(CourierRouteStop.courier_id == courier_id, CourierRouteStop.day == day)
        .order_by(col(CourierRouteStop.locker_id))
    )
    return list(session.exec(query).all())


def revoke_courier(
    session: Session,
    courier_id: uuid.UUID,
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
) -> Courier:
    """Deactivate the courier; every locker on today's route gets a list without them now."""
    settings = settings or get_settings()
    courier = get_courier(session, courier_id)
    was_active, courier.active = courier.active, False
    session.add(courier)
    session.flush()
    if was_active:
        _push_to(session, set(route_of(session, courier_id, now.date())), now, settings)
    audit.record(
        session,
        actor,
        "courier_revoked",
        f"courier:{courier_id}",
        now,
        name=courier.name,
        was_active=was_active,
    )
    return courier


def rotate_code(
    session: Session,
    courier_id: uuid.UUID,
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
    rng: Random = courier_codes.SYSTEM_RANDOM,
) -> tuple[Courier, str]:
    """Give the courier a newly drawn code, to hand over once; the old one dies now: every
    locker on today's route gets a list with the new code instead."""
    settings = settings or get_settings()
    courier = get_courier(session, courier_id)
    if not courier.active:
        raise Conflict(
            "courier_revoked", f"courier {courier_id} is revoked: a revoked courier gets no code"
        )
    live_after = courier_codes.live_codes(session, besides=courier.id) + 1
    code = courier_codes.draw_code(session, live_after, settings=settings, rng=rng)
    for field, value in courier_codes.stored_code(settings, code).items():
        setattr(courier, field, value)
    courier.needs_new_code = False
    session.add(courier)
    session.flush()
    _push_to(session, set(route_of(session, courier_id, now.date())), now, settings)
    audit.record(
        session,
        actor,
        "courier_code_issued",
        f"courier:{courier_id}",
        now,
        name=courier.name,
        digits=len(code),
    )
    return courier, code


def refresh_courier_lists(session: Session, now: datetime, settings: Settings | None = None) -> int:
    """Send today's list to every locker whose last list is for another day or other couriers
    (a same list too: its `until` ran out); the number of lists queued. Run it often: a locker
    already sent today's list is left alone."""
    settings = settings or get_settings()
    today, queued = now.date(), 0
    sent = {row.locker_id: row for row in session.exec(select(CourierListSent)).all()}
    for locker in session.exec(select(Locker).order_by(col(Locker.id))).all():  # lock order
        wanted = courier_ids_text(routed_couriers(session, locker.id, today))
        if _stale(sent.get(locker.id), today, wanted):
            push_couriers(session, locker, now, settings=settings)
            queued += 1
    return queued


def _stale(sent: CourierListSent | None, today: date, wanted: str) -> bool:
    if sent is None:
        return wanted != ""  # never sent one: an empty list would tell it nothing new
    if sent.day != today:
        return wanted != "" or sent.courier_ids != ""  # two empty lists: nothing to expire
    return sent.courier_ids != wanted


def _push_to(session: Session, locker_ids: set[str], now: datetime, settings: Settings) -> None:
    for locker_id in sorted(locker_ids):  # lock order
        push_couriers(session, session.get(Locker, locker_id), now, settings=settings)


def get_courier(session: Session, courier_id: uuid.UUID) -> Courier:
    """The courier with this id; NotFound otherwise."""
    courier = session.get(Courier, courier_id)
    if courier is None:
        raise NotFound("courier", courier_id)
    return courier
