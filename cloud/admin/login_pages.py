"""Logging in (username and password, as /api/v1/auth/login, throttled alike) and out of the
admin; logging out ends the session, so the cookie's token is refused from then on."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from cloud.admin.auth import (
    COOKIE_PATH,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    AdminPoster,
    csrf_matches,
    csrf_token,
    set_login_cookie,
    set_session_cookie,
)
from cloud.admin.templating import page
from cloud.services import operators
from cloud.services.errors import RateLimited
from cloud.services.operators import LoginFailed
from cloud.web import password_checks
from cloud.web.deps import NowDep, SessionDep, SettingsDep, SourceDep

router = APIRouter()


@router.get("/login")
def login_form(request: Request, settings: SettingsDep):
    """The login form, with a CSRF token bound to a fresh pre-login cookie."""
    return _login_page(request, settings)


@router.post("/login")
def log_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    source: SourceDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=128)] = "",
):
    """A session cookie for a right password; the form again for any kind of wrong (401), or
    while the account or this address is locked out (429, the password unchecked)."""
    if not csrf_matches(settings.token_key, "login", request.cookies.get(LOGIN_COOKIE), csrf):
        return _login_page(request, settings, "The form expired: please log in again.", 403)
    try:
        _operator, token, _expires = password_checks.log_in(
            session, username, password, now, settings, source=source
        )
    except LoginFailed as failed:
        return _login_page(request, settings, failed.message.capitalize() + ".", 401)
    except RateLimited as locked:
        response = _login_page(request, settings, locked.message.capitalize() + ".", 429)
        response.headers["Retry-After"] = str(locked.retry_after_s)
        return response
    session.commit()
    response = RedirectResponse("/admin", status_code=303)
    set_session_cookie(response, token, settings.token_ttl_s, _secure(request))
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/logout")
def log_out(user: AdminPoster, session: SessionDep, now: NowDep):
    """End the session (its token is refused from now on) and forget the cookie."""
    operators.log_out(session, user.username, user.session_id, now)
    session.commit()
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


def _login_page(request: Request, settings, error: str = "", status_code: int = 200):
    nonce = secrets.token_urlsafe(16)
    response = page(
        request,
        None,
        "login.html",
        status_code,
        csrf=csrf_token(settings.token_key, "login", nonce),
        error=error,
    )
    set_login_cookie(response, nonce, _secure(request))
    return response


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"  # plain http on localhost would never send it back
