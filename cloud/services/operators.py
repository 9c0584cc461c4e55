"""Operators: created by an admin (the first by `locker admin create`), logging in for a token."""
import time
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cloud.core import passwords, tokens
from cloud.core.config import Settings
from cloud.models import ROLES, Operator
from cloud.services import audit
from cloud.services.errors import Conflict, DomainError, Invalid


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


def login(session: Session, username: str, password: str, now: datetime,
          settings: Settings) -> tuple[Operator, str, datetime]:
    """(operator, bearer token, its expiry); LoginFailed after a short delay otherwise.

    The failure is audited and committed here, since the caller's transaction ends in an error."""
    operator = session.exec(select(Operator).where(Operator.username == username)).first()
    valid = passwords.verify_password(operator.password_hash if operator else None, password)
    if not valid or not operator.active:
        audit.record(session, "anonymous", "login_failed", "operator:" + username[:64], now)
        session.commit()
        time.sleep(settings.login_failure_delay_s)
        raise LoginFailed()
    expires_at = now + timedelta(seconds=settings.token_ttl_s)
    audit.record(session, "operator:" + username, "login", "operator:" + username, now)
    return operator, tokens.sign(settings.token_key, username, expires_at), expires_at


def from_token(session: Session, token: str, now: datetime, settings: Settings) -> Operator | None:
    """The active operator a valid token names, if any."""
    username = tokens.verified_subject(settings.token_key, token, now)
    if username is None:
        return None
    operator = session.exec(select(Operator).where(Operator.username == username)).first()
    return operator if operator is not None and operator.active else None


def role_at_least(role: str | None, least: str) -> bool:
    """Whether `role` is `least` or one above it."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(least)
