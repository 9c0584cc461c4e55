"""Changing one's own password (the current one checked, throttled as a login is); every other
session of the operator ends, this one goes on."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from cloud.admin.auth import AdminPoster, AdminViewer
from cloud.admin.templating import page
from cloud.services.errors import DomainError
from cloud.web import password_checks
from cloud.web.deps import NowDep, SessionDep, SettingsDep, SourceDep
from cloud.web.errors import status_of

router = APIRouter(prefix="/password")
Password = Annotated[str, Form(max_length=1024)]


@router.get("")
def password_form(request: Request, user: AdminViewer):
    """The form: the current password, and the new one twice."""
    return page(request, user, "password.html", nav="password")


@router.post("")
def change_password(
    request: Request,
    user: AdminPoster,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    source: SourceDep,
    current: Password,
    new: Password,
    repeated: Password,
):
    """Set the new password and end the other sessions; the form again, saying why, if not."""
    if new != repeated:
        return page(request, user, "password.html", 422, error="The new passwords differ.")
    try:
        ended = password_checks.change_password(
            session,
            user.username,
            current,
            new,
            now,
            settings,
            source=source,
            keep_session=user.session_id,
        )
    except DomainError as refused:
        return page(
            request,
            user,
            "password.html",
            status_of(refused),
            error=refused.message.capitalize() + ".",
        )
    session.commit()
    return page(request, user, "password.html", changed=True, ended=ended)
