"""Operators: created by an admin (the first by `locker admin create`), logging in for a token
(a session, cloud/services/operator_sessions.py), logging out, changing their password."""
import time
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cloud.core import passwords
from cloud.core.config import Settings
from cloud.models import ROLES, Operator
from cloud.models.login import UNKNOWN_SOURCE
from cloud.services import audit, login_throttle, operator_sessions
from cloud.services.errors import Conflict, DomainError, Forbidden, Invalid


class LoginFailed(DomainError):
    """Wrong username or password, or a deactivated operator: one answer for all (HTTP 401)."""

    def __init__(self) -> None:
        super().__init__("login_failed", "wrong username or password")


def create_operator(session: Session, username: str, password: str, role: str, now: datetime,
                    *, actor: str = "system") -> Operator:
    """A new operator with an argon2id hash of `password`; weak passwords are refused."""
    if role not in ROLES:
        raise Invalid("unknown_role", f"role must be one of {', '.join(ROLES)}")
    why = passwords.weakness(password, username)
    if why:
        raise Invalid("weak_password", why)
    operator = Operator(username=username, password_hash=passwords.hash_password(password),
                        role=role, created_at=now)
    try:
        with session.begin_nested():
            session.add(operator)
    except IntegrityError:
        raise Conflict("operator_exists", f"operator {username} exists already") from None
    audit.record(session, actor, "operator_created", "operator:" + username, now, role=role)
    return operator


def login(session: Session, username: str, password: str, now: datetime, settings: Settings, *,
          source: str = UNKNOWN_SOURCE) -> tuple[Operator, str, datetime]:
    """(operator, bearer token of a new session, its expiry); LoginFailed after a short delay
    otherwise, RateLimited without a check while `username` or `source` is locked out."""
    operator = _checked(session, username, password, now, settings, source=source, during="login")
    if operator is None:
        time.sleep(settings.login_failure_delay_s)
        raise LoginFailed()
    audit.record(session, "operator:" + username, "login", "operator:" + username, now, source=source)
    token, expires_at = operator_sessions.start(session, operator, now, settings, source=source)
    return operator, token, expires_at


def change_password(session: Session, username: str, current: str, new: str, now: datetime,
                    settings: Settings, *, source: str, keep_session: int | None) -> int:
    """Set a new password after checking the current one (throttled as a login is), and end
    every session but `keep_session`; how many were ended. Forbidden for a wrong password."""
    why = passwords.weakness(new, username)
    if why:
        raise Invalid("weak_password", why)
    operator = _checked(session, username, current, now, settings, source=source,
                        during="password_change")
    if operator is None:
        raise Forbidden("wrong_password", "the current password is wrong")
    new_hash = passwords.hash_password(new)  # slow: outside any transaction (_checked committed)
    operator.password_hash = new_hash
    ended = operator_sessions.end_all(session, operator, now, but=keep_session)
    audit.record(session, "operator:" + username, "password_changed", "operator:" + username, now,
                 source=source, sessions_ended=ended)
    return ended


def from_token(session: Session, token: str, now: datetime,
               settings: Settings) -> operator_sessions.SignedIn | None:
    """The active operator and the live session a valid token names, if any."""
    return operator_sessions.signed_in(session, token, now, settings)


def log_out(session: Session, username: str, session_id: int, now: datetime) -> None:
    """End the operator's session `session_id`: its token, bearer or cookie, is refused from now on."""
    operator_sessions.end(session, session_id, now)
    audit.record(session, "operator:" + username, "logout", "operator:" + username, now)


def _checked(session: Session, username: str, password: str, now: datetime, settings: Settings,
             *, source: str, during: str) -> Operator | None:
    """The active operator whose password this is, or None; throttled (cloud/services/
    login_throttle.py). Commits the count before the slow check, so parallel attempts see it,
    and the outcome after it (a failure is audited here: the caller's transaction ends in an
    error); a success comes back in a fresh transaction for the caller to commit."""
    policy = login_throttle.Policy.of(settings)
    attempt = login_throttle.admit(session, username, source, now, policy)
    operator = session.exec(select(Operator).where(Operator.username == username)).first()
    password_hash, active = (operator.password_hash, operator.active) if operator else (None, False)
    session.commit()
    right = passwords.verify_password(password_hash, password) and active  # no transaction open
    if not right:
        audit.record(session, "anonymous", "login_failed", "operator:" + username[:64], now,
                     source=source, during=during)
    login_throttle.settle(session, attempt, now, policy, succeeded=right)
    session.commit()
    return operator if right else None


def role_at_least(role: str | None, least: str) -> bool:
    """Whether `role` is `least` or one above it."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(least)
