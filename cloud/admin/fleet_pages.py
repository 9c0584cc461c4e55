"""The fleet (an operator scoped to sites: their lockers): every locker's link, occupancy by
size, firmware and open alarms, and its map."""

from fastapi import APIRouter, Request

from cloud.admin.auth import AdminViewer
from cloud.admin.fleet_map import fleet_map
from cloud.admin.fleet_view import firmware_versions, fleet_rows
from cloud.admin.templating import page
from cloud.web.deps import NowDep, SessionDep
from protocol.layout import SIZES

router = APIRouter()


@router.get("/")
def fleet(request: Request, user: AdminViewer, session: SessionDep, now: NowDep):
    """The dashboard: the fleet table, refreshed live (cloud/admin/events.py)."""
    rows = fleet_rows(session, now, sites=user.sites)
    return page(
        request,
        user,
        "fleet.html",
        rows=rows,
        sizes=SIZES,
        fleet_map=fleet_map(rows),
        versions=firmware_versions(rows),
        nav="fleet",
    )


@router.get("/fleet/rows")
def fleet_table_rows(request: Request, user: AdminViewer, session: SessionDep, now: NowDep):
    """The fleet table's rows alone, for htmx to swap in when something changed."""
    return page(
        request,
        user,
        "_fleet_rows.html",
        rows=fleet_rows(session, now, sites=user.sites),
        sizes=SIZES,
    )


@router.get("/fleet/map")
def fleet_map_fragment(request: Request, user: AdminViewer, session: SessionDep, now: NowDep):
    """The fleet map alone, for htmx to swap in when a board's link changed."""
    return page(
        request,
        user,
        "_fleet_map.html",
        fleet_map=fleet_map(fleet_rows(session, now, sites=user.sites)),
    )
