"""Couriers and the verifier lists their codes become on each board.

A board gets the codes of the couriers routed to it for the current UTC day only
(cloud/services/courier_routes.py), with `until`: the end of that day, after which the board
refuses them even if no newer list reached it.

A board checks a typed courier code against HMAC(board key, "courier:" + code), so the cloud
needs the clear code to serve any board, including a locker provisioned after the courier was
registered. It therefore keeps the code sealed (AES-GCM under a key derived from the pepper)
next to the keyed hash it is looked up by; whoever can unseal it could equally brute-force the
hash of a 10-digit code, so the seal gives away nothing the hash kept. The codes are drawn by
the cloud (courier_codes.py); one chosen by a person before that (`needs_new_code`) reaches no
board.
"""

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from cloud.core import security
from cloud.core.clock import to_ms
from cloud.core.config import Settings, get_settings
from cloud.models import Courier, CourierListSent, CourierRouteStop, Locker
from cloud.services import outbox
from protocol.verifiers import courier_verifier


def list_couriers(session: Session) -> list[Courier]:
    """Every courier, revoked ones too, oldest first."""
    return list(
        session.exec(select(Courier).order_by(col(Courier.created_at), col(Courier.id))).all()
    )


def push_couriers(
    session: Session,
    locker: Locker,
    now: datetime,
    *,
    settings: Settings | None = None,
    skip_empty: bool = False,
) -> None:
    """Queue a `couriers` command with the verifiers of the active couriers routed to this
    locker today, valid `until` the day's end; remember what was sent (CourierListSent).

    The list replaces the board's, so the last one queued must be the newest: the locker's row
    is locked first, and two transactions pushing lists to one board take turns. (FOR NO KEY
    UPDATE on PostgreSQL: rows referencing the locker, e.g. new inbox or outbox rows, are not
    held up, and wait for nothing of ours.)
    """
    settings = settings or get_settings()
    session.get(Locker, locker.id, with_for_update={"key_share": True})
    today = now.date()
    routed = routed_couriers(session, locker.id, today)
    if not routed and skip_empty:
        return
    key = bytes.fromhex(locker.device_key)
    verifiers = [
        courier_verifier(key, security.unseal(settings.pepper, courier.code_sealed))
        for courier in routed
    ]
    outbox.queue(
        session,
        locker.id,
        "couriers",
        {"v": verifiers, "until": day_end_ms(today)},
        now,
        settings=settings,
    )
    _remember_sent(session, locker.id, today, routed)


def routed_couriers(session: Session, locker_id: str, day: date) -> list[Courier]:
    """The active couriers with `locker_id` on their route for `day`, oldest first; not those
    whose code was chosen by a person (`needs_new_code`): a board never gets such a code."""
    query = (
        select(Courier)
        .join(CourierRouteStop, col(CourierRouteStop.courier_id) == Courier.id)
        .where(
            CourierRouteStop.locker_id == locker_id,
            CourierRouteStop.day == day,
            col(Courier.active).is_(True),
            col(Courier.needs_new_code).is_(False),
        )
        .order_by(col(Courier.created_at), col(Courier.id))
    )
    return list(session.exec(query).all())


def day_end_ms(day: date) -> int:
    """The end of a UTC day (the next day's midnight) in ms: the `until` of its courier list."""
    return to_ms(datetime.combine(day + timedelta(days=1), time.min))


def courier_ids_text(couriers: list[Courier]) -> str:
    return ",".join(sorted(str(courier.id) for courier in couriers))


def _remember_sent(session: Session, locker_id: str, day: date, routed: list[Courier]) -> None:
    sent = session.get(CourierListSent, locker_id) or CourierListSent(
        locker_id=locker_id, day=day, courier_ids=""
    )
    sent.day, sent.courier_ids = day, courier_ids_text(routed)
    session.add(sent)
    session.flush()
