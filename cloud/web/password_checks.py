"""Checking an operator's password, for the API's and the admin's login and password change.

A check runs in transactions of its own, committed here, by the request's outer layer, never by
a service: the count of the attempt is committed before the slow hash comparison (so parallel
attempts see it, and no row stays locked while argon2 runs), and the outcome after it (a
failure is audited and counted even though the request then ends in an error)."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Operator
from cloud.services import operators


def checked_operator(
    session: Session,
    username: str,
    password: str,
    now: datetime,
    settings: Settings,
    *,
    source: str,
    during: str,
) -> Operator | None:
    """The active operator whose password this is, or None; throttled (RateLimited)."""
    check = operators.start_check(session, username, now, settings, source=source)
    session.commit()
    right = check.right(password)  # no transaction open
    operator = operators.finish_check(
        session, check, now, settings, right=right, source=source, during=during
    )
    session.commit()
    return operator


def log_in(
    session: Session,
    username: str,
    password: str,
    now: datetime,
    settings: Settings,
    *,
    source: str,
) -> tuple[Operator, str, datetime]:
    """(operator, bearer token of a new session, its expiry) for the right password: the
    caller commits the session; LoginFailed or RateLimited otherwise."""
    operator = checked_operator(
        session, username, password, now, settings, source=source, during="login"
    )
    return operators.login(session, operator, username, now, settings, source=source)


def change_password(
    session: Session,
    username: str,
    current: str,
    new: str,
    now: datetime,
    settings: Settings,
    *,
    source: str,
    keep_session: int | None,
) -> int:
    """Set `new` once `current` is checked, ending every session but `keep_session`; how many
    were ended (the caller commits). Invalid for a weak one, Forbidden for a wrong `current`."""
    operators.refuse_weak(new, username)
    operator = checked_operator(
        session, username, current, now, settings, source=source, during="password_change"
    )
    return operators.change_password(
        session, operator, username, new, now, source=source, keep_session=keep_session
    )
