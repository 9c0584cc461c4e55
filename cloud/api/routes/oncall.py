"""On-call: each site's rota (admins set it), operators' contact for pages, the pages sent,
and their acknowledgement, by the paged operator's login or by the signed link in the page."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from cloud.api.deps import CurrentAdmin, CurrentOperator, OperatorWriter
from cloud.models import Alarm, OnCallRota, Operator, Page, PagePublic
from cloud.models.oncall import SITE_PATTERN, OperatorContact
from cloud.services import operators, pager, site_scope
from cloud.services.errors import NotFound
from cloud.web.deps import NowDep, RowId, SessionDep, SettingsDep

router = APIRouter(tags=["on-call"])
Site = Annotated[str, Path(pattern=SITE_PATTERN.replace("{0,", "{1,"), max_length=32)]
FLEET = "fleet"  # the path's name for the rota of lockers without a site ("")


@router.put("/operators/{username}/contact", response_model=OperatorContact)
def set_contact(
    username: str, data: OperatorContact, admin: CurrentAdmin, session: SessionDep, now: NowDep
) -> OperatorContact:
    """Where pages reach an operator: SMS to the phone if given, else email (a site-scoped
    admin, for the operators of their sites only)."""
    operator = site_scope.require_operator(
        admin.sites, operators.find_operator(session, username), username
    )
    pager.set_contact(session, operator, data.phone, data.email, now, admin.actor)
    session.commit()
    return data


@router.put("/oncall/{site}", response_model=OnCallRota)
def set_rota(
    site: Site, data: OnCallRota, admin: CurrentAdmin, session: SessionDep, now: NowDep
) -> OnCallRota:
    """A site's rota, first paged first (`fleet`: lockers without a site); of the admin's
    sites if scoped."""
    site_scope.require_site(admin.sites, _site(site), "rota")
    pager.set_rota(session, _site(site), data.operators, now, actor=admin.actor)
    session.commit()
    return data


@router.get("/oncall/{site}", response_model=OnCallRota)
def read_rota(site: Site, viewer: CurrentOperator, session: SessionDep) -> OnCallRota:
    """Who is paged for the site's alarms, in order (the fleet's rota if it has none); of the
    operator's sites if scoped."""
    site_scope.require_site(viewer.sites, _site(site), "rota")
    rota = pager.rota_of(session, _site(site))
    if not rota:
        raise NotFound("rota", site)
    return OnCallRota(operators=[o.username for o in rota])


@router.get("/pages", response_model=list[PagePublic])
def recent_pages(viewer: CurrentOperator, session: SessionDep) -> list[PagePublic]:
    """The last 100 pages (for alarms at the operator's sites, if scoped), newest first."""
    query = (
        select(Page, Operator.username)
        .join(Operator, col(Operator.id) == col(Page.operator_id))
        .join(Alarm, col(Alarm.id) == col(Page.alarm_id))
        .order_by(col(Page.id).desc())
        .limit(100)
    )
    query = site_scope.within(query, Alarm.locker_id, viewer.sites)
    return [PagePublic(**page.model_dump(), operator=name) for page, name in session.exec(query)]


@router.post("/pages/{page_id}/acknowledge", response_model=PagePublic)
def acknowledge_page(
    page_id: RowId, caller: OperatorWriter, session: SessionDep, now: NowDep
) -> PagePublic:
    """The paged operator (or an admin) has it in hand: no one else is paged for the alarm.
    Another site's page does not exist for an operator scoped to sites."""
    site_scope.require_page(session, caller.sites, page_id)
    operator = operators.get_operator(session, caller.actor.removeprefix("operator:"))
    return _acknowledged(session, page_id, operator, now)


@router.get("/pages/{page_id}/link", response_class=HTMLResponse)
def page_link(page_id: RowId, token: str, request: Request, settings: SettingsDep, now: NowDep):
    """What the link in a page opens: a button, so a phone's link preview acknowledges nothing."""
    _linked_page(settings, token, page_id, now)
    action = request.url.path.removesuffix("/link") + "/acknowledge-link"
    return HTMLResponse(
        "<!doctype html><meta name=viewport content='width=device-width'>"
        f"<title>Page {page_id}</title><form method=post action='{action}?token={token}'>"
        f"<button style='font-size:2em'>Acknowledge page {page_id}</button></form>"
    )


@router.post("/pages/{page_id}/acknowledge-link", response_model=PagePublic)
def acknowledge_by_link(
    page_id: RowId, token: str, session: SessionDep, settings: SettingsDep, now: NowDep
) -> PagePublic:
    """Acknowledge by the signed link the page carried (two days valid)."""
    _linked_page(settings, token, page_id, now)
    page = session.get(Page, page_id)
    if page is None:
        raise NotFound("page", page_id)
    return _acknowledged(session, page_id, session.get(Operator, page.operator_id), now)


def _acknowledged(session, page_id, operator, now) -> PagePublic:
    page = pager.acknowledge(session, page_id, operator, now)
    session.commit()
    name = session.get(Operator, page.operator_id).username
    return PagePublic(**page.model_dump(), operator=name)


def _linked_page(settings, token: str, page_id: RowId, now) -> None:
    if pager.page_of(settings, token, now) != page_id:
        raise HTTPException(
            401, {"code": "unauthenticated", "message": "this link is invalid or has expired"}
        )


def _site(site: str) -> str:
    return "" if site == FLEET else site
