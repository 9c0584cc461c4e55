"""Operators: created by an admin (the first by `locker admin create`), logging in for a token
(a session, cloud/services/operator_sessions.py), logging out, changing their password."""

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloud.core import passwords
from cloud.core.config import Settings
from cloud.models import ROLES, Operator
from cloud.models.login import UNKNOWN_SOURCE
from cloud.services import audit, login_throttle, operator_sessions, site_scope
from cloud.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound


class LoginFailed(DomainError):
    """Wrong username or password, or a deactivated operator: one answer for all (HTTP 401)."""

    def __init__(self) -> None:
        super().__init__("login_failed", "wrong username or password")


def create_operator(
    session: Session,
    username: str,
    password: str,
    role: str,
    now: datetime,
    *,
    actor: str = "system",
    sites: site_scope.Sites = None,
) -> Operator:
    """A new operator with an argon2id hash of `password`, of the whole fleet or scoped to
    `sites`; weak passwords are refused."""
    if role not in ROLES:
        raise Invalid("unknown_role", f"role must be one of {', '.join(ROLES)}")
    why = passwords.weakness(password, username)
    if why:
        raise Invalid("weak_password", why)
    operator = Operator(
        username=username,
        password_hash=passwords.hash_password(password),
        role=role,
        created_at=now,
        sites=site_scope.stored(sites),
    )
    try:
        with session.begin_nested():
            session.add(operator)
    except IntegrityError:
        raise Conflict("operator_exists", f"operator {username} exists already") from None
    audit.record(
        session,
        actor,
        "operator_created",
        "operator:" + username,
        now,
        role=role,
        sites=site_scope.stored(sites),
    )
    return operator


def find_operator(session: Session, username: str) -> Operator | None:
    return session.exec(select(Operator).where(Operator.username == username)).first()


def get_operator(session: Session, username: str) -> Operator:
    """The operator by username; NotFound if there is none."""
    operator = find_operator(session, username)
    if operator is None:
        raise NotFound("operator", username)
    return operator


def list_operators(session: Session, *, within: site_scope.Sites = None) -> list[Operator]:
    """Every operator by username; only those scoped within `within`'s sites, if given."""
    everyone = session.exec(select(Operator).order_by(col(Operator.username))).all()
    return [o for o in everyone if site_scope.manages(within, o)]


def set_sites(
    session: Session, operator: Operator, sites: site_scope.Sites, now: datetime, *, actor: str
) -> None:
    """Scope the operator to `sites` (None: the whole fleet), audited with the old scope."""
    before, operator.sites = operator.sites, site_scope.stored(sites)
    audit.record(
        session,
        actor,
        "operator_sites_set",
        "operator:" + operator.username,
        now,
        sites=operator.sites,
        before=before,
    )


def login(
    session: Session,
    operator: Operator | None,
    username: str,
    now: datetime,
    settings: Settings,
    *,
    source: str = UNKNOWN_SOURCE,
) -> tuple[Operator, str, datetime]:
    """(operator, bearer token of a new session, its expiry) for the `operator` a password
    check let in (cloud/web/password_checks.py); LoginFailed after a short delay for None."""
    if operator is None:
        time.sleep(settings.login_failure_delay_s)
        raise LoginFailed()
    audit.record(
        session, "operator:" + username, "login", "operator:" + username, now, source=source
    )
    token, expires_at = operator_sessions.start(session, operator, now, settings, source=source)
    return operator, token, expires_at


def refuse_weak(new: str, username: str) -> None:
    """Invalid for a new password too weak to be set (checked before the current one is)."""
    why = passwords.weakness(new, username)
    if why:
        raise Invalid("weak_password", why)


def change_password(
    session: Session,
    operator: Operator | None,
    username: str,
    new: str,
    now: datetime,
    *,
    source: str,
    keep_session: int | None,
) -> int:
    """Set a new password for the `operator` a check of the current one let in (throttled as a
    login is, cloud/web/password_checks.py), and end every session but `keep_session`; how
    many were ended. Forbidden for None: the current password was wrong."""
    if operator is None:
        raise Forbidden("wrong_password", "the current password is wrong")
    new_hash = passwords.hash_password(new)  # slow: outside any transaction (the check committed)
    operator.password_hash = new_hash
    ended = operator_sessions.end_all(session, operator, now, but=keep_session)
    audit.record(
        session,
        "operator:" + username,
        "password_changed",
        "operator:" + username,
        now,
        source=source,
        sessions_ended=ended,
    )
    return ended


def from_token(
    session: Session, token: str, now: datetime, settings: Settings
) -> operator_sessions.SignedIn | None:
    """The active operator and the live session a valid token names, if any."""
    return operator_sessions.signed_in(session, token, now, settings)


def log_out(session: Session, username: str, session_id: int, now: datetime) -> None:
    """End the operator's session `session_id`: its token, bearer or cookie, is refused from now
    on."""
    operator_sessions.end(session, session_id, now)
    audit.record(session, "operator:" + username, "logout", "operator:" + username, now)


@dataclass(frozen=True)
class PasswordCheck:
    """A throttled password check under way (cloud/services/login_throttle.py): counted, with
    what the check needs read, so the slow hash comparison runs with no transaction open."""

    username: str
    attempt: login_throttle.Attempt
    operator: Operator | None
    password_hash: str | None
    active: bool

    def right(self, password: str) -> bool:
        """Whether `password` is the active operator's: slow (argon2id), so run it outside
        any transaction."""
        return passwords.verify_password(self.password_hash, password) and self.active


def start_check(
    session: Session, username: str, now: datetime, settings: Settings, *, source: str
) -> PasswordCheck:
    """Count one password check of `username` from `source` (RateLimited while locked out);
    the caller commits before the check, so parallel attempts see the count."""
    policy = login_throttle.Policy.of(settings)
    attempt = login_throttle.admit(session, username, source, now, policy)
    operator = session.exec(select(Operator).where(Operator.username == username)).first()
    password_hash, active = (operator.password_hash, operator.active) if operator else (None, False)
    return PasswordCheck(username, attempt, operator, password_hash, active)


def finish_check(
    session: Session,
    check: PasswordCheck,
    now: datetime,
    settings: Settings,
    *,
    right: bool,
    source: str,
    during: str,
) -> Operator | None:
    """Settle the count (a failure is audited); the operator if the password was right. The
    caller commits the outcome before going on: it stands whatever the request does next."""
    if not right:
        audit.record(
            session,
            "anonymous",
            "login_failed",
            "operator:" + check.username[:64],
            now,
            source=source,
            during=during,
        )
    login_throttle.settle(
        session, check.attempt, now, login_throttle.Policy.of(settings), succeeded=right
    )
    return check.operator if right else None


def role_at_least(role: str | None, least: str) -> bool:
    """Whether `role` is `least` or one above it."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(least)
