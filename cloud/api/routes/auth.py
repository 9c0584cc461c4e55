"""Operator login (a bearer token for a new session), logout, and changing one's password;
every attempt is audited, and password guessing is throttled (cloud/services/login_throttle.py)."""

from fastapi import APIRouter, Response

from cloud.api.deps import CurrentOperator
from cloud.models import LoginRequest, PasswordChange, Token
from cloud.services import operators
from cloud.web import password_checks
from cloud.web.deps import NowDep, SessionDep, SettingsDep, SourceDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=Token)
def login(
    data: LoginRequest, session: SessionDep, settings: SettingsDep, now: NowDep, source: SourceDep
) -> Token:
    """A signed token for `Authorization: Bearer`; one 401 for every kind of wrong, 429 (with
    Retry-After, the password unchecked) while the account or the caller is locked out."""
    operator, token, expires_at = password_checks.log_in(
        session, data.username, data.password, now, settings, source=source
    )
    session.commit()
    return Token(access_token=token, expires_at=expires_at, role=operator.role)


@router.post("/logout", status_code=204)
def logout(operator: CurrentOperator, session: SessionDep, now: NowDep) -> Response:
    """End this token's session: it is refused from now on."""
    operators.log_out(session, operator.actor.removeprefix("operator:"), operator.session_id, now)
    session.commit()
    return Response(status_code=204)


@router.post("/password", status_code=204)
def change_password(
    data: PasswordChange,
    operator: CurrentOperator,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    source: SourceDep,
) -> Response:
    """Set a new password (the current one checked, 403 if wrong, throttled as a login) and end
    every other session of this operator; this token stays valid."""
    password_checks.change_password(
        session,
        operator.actor.removeprefix("operator:"),
        data.current_password,
        data.new_password,
        now,
        settings,
        source=source,
        keep_session=operator.session_id,
    )
    session.commit()
    return Response(status_code=204)
