"""Operators' sessions: each login opens one; its token (cloud/core/tokens.py, v2) names it.

A token is valid while its session is: not expired, not ended, and its operator active. Logout
ends the one session; a password change ends all the others. The API's bearer token and the
admin's session cookie are the same token, so both end alike. Checked on every request, in the
one query that also reads the operator's role.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from cloud.core import tokens
from cloud.core.config import Settings
from cloud.models import Operator, OperatorSession
from cloud.models.login import SOURCE_LENGTH


@dataclass(frozen=True)
class SignedIn:
    operator: Operator
    session_id: int


def start(
    session: Session, operator: Operator, now: datetime, settings: Settings, *, source: str
) -> tuple[str, datetime]:
    """A new session of `operator`: (its bearer token, when it expires). The operator's ended
    and expired sessions are forgotten on the way."""
    session.exec(
        delete(OperatorSession).where(
            OperatorSession.operator_id == operator.id,
            col(OperatorSession.ended_at).is_not(None) | (col(OperatorSession.expires_at) <= now),
        )
    )
    expires_at = now + timedelta(seconds=settings.token_ttl_s)
    row = OperatorSession(
        operator_id=operator.id,
        started_at=now,
        expires_at=expires_at,
        source=source[:SOURCE_LENGTH],
    )
    session.add(row)
    session.flush()
    return tokens.sign_session(
        settings.token_key, operator.username, row.id, expires_at
    ), expires_at


def signed_in(session: Session, token: str, now: datetime, settings: Settings) -> SignedIn | None:
    """The active operator and live session a token names, if any."""
    claims = tokens.verified_session(settings.token_key, token, now)
    if claims is None:
        return None
    username, session_id = claims
    operator = session.exec(
        select(Operator)
        .join(OperatorSession, col(OperatorSession.operator_id) == Operator.id)
        .where(
            OperatorSession.id == session_id,
            Operator.username == username,
            col(Operator.active).is_(True),
            col(OperatorSession.ended_at).is_(None),
            OperatorSession.expires_at > now,
        )
    ).first()
    return SignedIn(operator, session_id) if operator is not None else None


def end(session: Session, session_id: int, now: datetime) -> None:
    """End one session (logout); its token is refused from now on."""
    _end(session, now, OperatorSession.id == session_id)


def end_all(session: Session, operator: Operator, now: datetime, *, but: int | None = None) -> int:
    """End every live session of `operator` except `but`; how many were ended."""
    others = [OperatorSession.id != but] if but is not None else []
    return _end(session, now, OperatorSession.operator_id == operator.id, *others)


def _end(session: Session, now: datetime, *conditions) -> int:
    result = session.exec(
        update(OperatorSession)
        .where(
            col(OperatorSession.ended_at).is_(None), OperatorSession.expires_at > now, *conditions
        )
        .values(ended_at=now)
    )
    return result.rowcount
