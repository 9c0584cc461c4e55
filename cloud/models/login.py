"""Operators' sessions (a token names one; logout and a password change end them) and the
counts that throttle login guessing (cloud/services/login_throttle.py)."""

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

SOURCE_LENGTH = 64  # an IPv4 or IPv6 address (an IPv6 one as its /64), or a test client's name
UNKNOWN_SOURCE = "unknown"  # a request that came over no socket
THROTTLE_SCOPES = ("account", "source", "pair")  # an account; a client address; the two together


class OperatorSession(SQLModel, table=True):
    """One login: its token is valid until it expires or the session is ended."""

    __tablename__ = "operator_session"

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operator.id", index=True)
    started_at: NaiveDatetime
    expires_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None  # logged out, or the password changed
    source: str = Field(max_length=SOURCE_LENGTH)  # where the login came from


class LoginThrottle(SQLModel, table=True):
    """Failed (or not yet settled) password checks of one scope, and the lock-out they earned."""

    __tablename__ = "login_throttle"

    scope: str = Field(max_length=8, primary_key=True)  # one of THROTTLE_SCOPES
    account: str = Field(max_length=64, primary_key=True)  # the username as typed; "" for a source
    source: str = Field(max_length=SOURCE_LENGTH, primary_key=True)  # "" for an account
    failures: int = 0  # since the count was last forgotten (quiet time, or the right password)
    lockouts: int = 0  # lock-outs in this streak: each lasts twice as long as the one before
    last_attempt_at: NaiveDatetime | None = Field(default=None, index=True)
    locked_until: NaiveDatetime | None = None
    # A pair only: the account logged in from this source, which is then counted apart from
    # strangers, so they cannot lock its owner out (cloud/services/login_throttle.py).
    trusted_until: NaiveDatetime | None = None


class PasswordChange(SQLModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)
