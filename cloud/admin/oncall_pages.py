"""On-call in the admin: each site's rota and where pages reach each operator (admins set
both, as in the API), and the pages sent, which the paged operator or an admin acknowledges.
Every change goes through cloud/services/pager.py, which audits it. Bad input shows the page
again, saying what is wrong, and changes nothing."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import Field, ValidationError

from cloud.admin import oncall_view
from cloud.admin.auth import AdminPoster, AdminUser, AdminViewer, AdminWriter
from cloud.admin.form_errors import explain
from cloud.admin.templating import page
from cloud.models import OnCallRota
from cloud.models.oncall import SITE_PATTERN, OperatorContact
from cloud.services import operators, pager, site_scope
from cloud.services.errors import DomainError
from cloud.web.deps import NowDep, RowId, SessionDep
from cloud.web.errors import status_of

router = APIRouter(prefix="/oncall")
Username = Annotated[str, Path(min_length=1, max_length=64)]
LABELS = {"site": "Site", "operators": "Rota", "phone": "Phone", "email": "Email"}


class RotaForm(OnCallRota):
    site: str = Field(pattern=SITE_PATTERN.replace("{0,", "{1,"), max_length=32)


def _admin(user: AdminPoster) -> AdminUser:
    # Rotas and contacts are an admin's, as in the API (cloud/api/routes/oncall.py).
    if not user.may("admin"):
        raise HTTPException(
            403, {"code": "forbidden", "message": "only an admin may change rotas and contacts"}
        )
    return user


AdminOnly = Annotated[AdminUser, Depends(_admin)]


@router.get("")
def oncall(request: Request, user: AdminViewer, session: SessionDep):
    """Each site's rota, the operators' contacts, and the pages sent lately."""
    return _oncall_page(request, user, session)


@router.post("/rota")
def set_rota(
    request: Request,
    user: AdminOnly,
    session: SessionDep,
    now: NowDep,
    site: Annotated[str, Form(max_length=100)] = "",
    operators: Annotated[str, Form(max_length=2000)] = "",
):
    """Replace a site's rota (`fleet`: lockers without a site): usernames, comma-separated,
    first paged first."""
    names = [name.strip() for name in operators.split(",") if name.strip()]
    try:
        rota = RotaForm(site=site.strip(), operators=names)
        where = oncall_view.site_of(rota.site)
        site_scope.require_site(user.sites, where, "rota")  # another site's does not exist
        pager.set_rota(session, where, rota.operators, now, actor=_actor(user))
    except (ValidationError, DomainError) as bad:
        return _refused(request, user, session, bad)
    session.commit()
    return RedirectResponse("/admin/oncall", status_code=303)


@router.post("/contacts/{username}")
def set_contact(
    request: Request,
    username: Username,
    user: AdminOnly,
    session: SessionDep,
    now: NowDep,
    phone: Annotated[str, Form(max_length=100)] = "",
    email: Annotated[str, Form(max_length=300)] = "",
):
    """Where pages reach an operator: SMS to the phone if given, else email (blank: none)."""
    try:
        contact = OperatorContact(phone=phone.strip() or None, email=email.strip() or None)
        operator = site_scope.require_operator(
            user.sites, operators.find_operator(session, username), username
        )
        pager.set_contact(session, operator, contact.phone, contact.email, now, _actor(user))
    except (ValidationError, DomainError) as bad:
        return _refused(request, user, session, bad)
    session.commit()
    return RedirectResponse("/admin/oncall", status_code=303)


@router.post("/pages/{page_id}/acknowledge")
def acknowledge(
    request: Request, page_id: RowId, user: AdminWriter, session: SessionDep, now: NowDep
):
    """The paged operator (or an admin) has it in hand: no one else is paged for the alarm."""
    try:
        site_scope.require_page(session, user.sites, page_id)  # another site's does not exist
        pager.acknowledge(session, page_id, operators.get_operator(session, user.username), now)
    except DomainError as bad:
        return _refused(request, user, session, bad)
    session.commit()
    return RedirectResponse("/admin/oncall", status_code=303)


def _refused(request, user, session, bad: Exception):
    session.rollback()  # nothing of the refused change is kept
    if isinstance(bad, ValidationError):
        return _oncall_page(request, user, session, explain(bad, LABELS), 422)
    return _oncall_page(request, user, session, _sentence(bad.message), status_of(bad))


def _oncall_page(request, user, session, error: str = "", status_code: int = 200):
    return page(
        request,
        user,
        "oncall.html",
        status_code,
        rotas=oncall_view.site_rotas(session, user.sites),
        operators=oncall_view.operators(session, user.sites),
        pages=oncall_view.recent_pages(session, user.sites),
        error=error,
        nav="oncall",
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _actor(user: AdminUser) -> str:
    return "operator:" + user.username
