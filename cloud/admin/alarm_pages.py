"""Alarms (jammed, left open, tamper, conflict, offline, ...) and acknowledging them."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from cloud.admin.auth import AdminViewer, AdminWriter
from cloud.admin.templating import page
from cloud.services import alarms, door_budget, site_scope
from cloud.web.deps import NowDep, RowId, SessionDep

router = APIRouter(prefix="/alarms")


@router.get("")
def alarm_list(request: Request, user: AdminViewer, session: SessionDep, all: bool = False):
    """The open alarms (all of them with ?all=1), newest first."""
    return page(
        request, user, "alarms.html", alarms=_alarms(session, user, all), show_all=all, nav="alarms"
    )


@router.get("/rows")
def alarm_rows(request: Request, user: AdminViewer, session: SessionDep, all: bool = False):
    """The alarm table's rows alone, for htmx to swap in when something changed."""
    return page(request, user, "_alarm_rows.html", alarms=_alarms(session, user, all), show_all=all)


@router.post("/{alarm_id}/acknowledge")
def acknowledge(
    alarm_id: RowId, user: AdminWriter, session: SessionDep, now: NowDep, all: bool = False
):
    """Mark an alarm seen (404 for an unknown one, or another site's); back to the list. A
    door-release burst alarm only an admin may acknowledge: it resumes remote opens and
    delegations."""
    site_scope.require_alarm(session, user.sites, alarm_id)
    if not door_budget.may_acknowledge(session, alarm_id, user.role):
        raise HTTPException(
            403,
            {
                "code": "forbidden",
                "message": f"only an admin may acknowledge a {door_budget.BURST} alarm",
            },
        )
    alarms.acknowledge(session, alarm_id, now)
    session.commit()
    return RedirectResponse("/admin/alarms" + ("?all=true" if all else ""), status_code=303)


def _alarms(session, user, show_all: bool, limit: int = 500):
    return alarms.list_alarms(session, open_only=not show_all, limit=limit, sites=user.sites)
