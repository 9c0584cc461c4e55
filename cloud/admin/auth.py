"""Who is logged in to the admin, and the CSRF check every POST passes.

The session cookie carries the very token /api/v1/auth/login hands out (cloud/core/tokens.py):
the operator's role, `active` flag and session (ended at logout) are read on every request, as
in the API. The CSRF token is an HMAC of that cookie under the same key, so a page from another
site can neither read it nor forge it; the login form gets one bound to a short-lived pre-login
cookie instead.
"""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from cloud.services import operators, site_scope
from cloud.services.errors import NotFound
from cloud.web.deps import NowDep, SessionDep, SettingsDep

SESSION_COOKIE = "locker_admin"
LOGIN_COOKIE = "locker_admin_login"
COOKIE_PATH = "/admin"


@dataclass(frozen=True)
class AdminUser:
    username: str
    role: str
    csrf: str  # what this session's forms must send back
    session_id: int | None = (
        None  # the login the cookie names (cloud/services/operator_sessions.py)
    )
    sites: site_scope.Sites = None  # None: the whole fleet (cloud/services/site_scope.py)

    def may(self, role: str) -> bool:
        return operators.role_at_least(self.role, role)


def csrf_token(key: bytes, purpose: str, value: str) -> str:
    """The token a form of `purpose` ("session" or "login") carries for the cookie `value`."""
    return hmac.new(key, f"admin-csrf:{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(key: bytes, purpose: str, value: str | None, sent: object) -> bool:
    if not value or not isinstance(sent, str) or not sent:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500).
    return hmac.compare_digest(sent.encode(), csrf_token(key, purpose, value).encode())


def current_user(
    request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> AdminUser:
    """The logged-in operator; a page view without one is sent to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    signed_in = operators.from_token(session, token, now, settings) if token else None
    if signed_in is None:
        if request.method == "GET":
            raise HTTPException(303, "log in first", headers={"Location": "/admin/login"})
        raise HTTPException(
            401, {"code": "unauthenticated", "message": "log in to the admin first"}
        )
    return AdminUser(
        signed_in.operator.username,
        signed_in.operator.role,
        csrf_token(settings.token_key, "session", token),
        signed_in.session_id,
        site_scope.sites_of(signed_in.operator),
    )


async def _checked_csrf(
    request: Request, user: Annotated[AdminUser, Depends(current_user)]
) -> AdminUser:
    form = await request.form()  # starlette keeps it: the route's Form() fields read it again
    sent = form.get("csrf") or request.headers.get("X-CSRF-Token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise HTTPException(
            403,
            {
                "code": "csrf_failed",
                "message": "the form's CSRF token is missing or wrong: reload the page",
            },
        )
    return user


def _writer(user: Annotated[AdminUser, Depends(_checked_csrf)]) -> AdminUser:
    if not user.may("operator"):
        raise HTTPException(
            403,
            {
                "code": "forbidden",
                "message": "only operators with the role operator or above may do this",
            },
        )
    return user


def _fleet_viewer(user: Annotated[AdminUser, Depends(current_user)]) -> AdminUser:
    site_scope.refuse_fleet_wide(user.sites, "depots, vans and route plans")
    return user


def _fleet_writer(user: Annotated[AdminUser, Depends(_writer)]) -> AdminUser:
    site_scope.refuse_fleet_wide(user.sites, "depots, vans and route plans")
    return user


def scoped_locker_id(
    locker_id: str, user: Annotated[AdminUser, Depends(current_user)], session: SessionDep
) -> str:
    """The path's locker, if the operator is scoped to sites: 404 unless it is one of theirs."""
    site_scope.require_locker(session, user.sites, locker_id, NotFound("locker", locker_id))
    return locker_id


AdminViewer = Annotated[AdminUser, Depends(current_user)]  # reads
AdminPoster = Annotated[AdminUser, Depends(_checked_csrf)]  # any POST of a logged-in operator
AdminWriter = Annotated[AdminUser, Depends(_writer)]  # changes the fleet
AdminFleetViewer = Annotated[AdminUser, Depends(_fleet_viewer)]  # reads across sites
AdminFleetWriter = Annotated[AdminUser, Depends(_fleet_writer)]  # plans the fleet's vans
AdminLockerId = Annotated[str, Depends(scoped_locker_id)]  # a locker of the operator's sites


def set_session_cookie(response, token: str, max_age: int, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def set_login_cookie(response, nonce: str, secure: bool) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )
