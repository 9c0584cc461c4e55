"""The last-mile KPIs over the last N days, with the occupancy history as a small SVG chart."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request

from cloud import planning
from cloud.admin.auth import AdminViewer
from cloud.admin.doorstep_kpis import doorstep_savings
from cloud.admin.kpis import STOP_GAP, last_mile_kpis, occupancy_series
from cloud.admin.templating import page
from cloud.web.deps import NowDep, SessionDep

router = APIRouter(prefix="/kpis")
CHART_WIDTH, CHART_HEIGHT = 600, 120


@router.get("")
def kpi_page(
    request: Request,
    user: AdminViewer,
    session: SessionDep,
    now: NowDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
):
    """Pickup, expired and failed rates, dwell time, parcels per stop, occupancy over time;
    the routes' figures, and what lockers saved against delivering to the door. An operator
    scoped to sites gets the first over their lockers only, and not the routes' figures: a
    van's route spans the fleet."""
    since = now - timedelta(days=days)
    sites = user.sites
    series = occupancy_series(session, since, now, sites=sites)
    fleet_wide = sites is None
    return page(
        request,
        user,
        "kpis.html",
        kpis=last_mile_kpis(session, since, now, sites=sites),
        fleet_wide=fleet_wide,
        routing=planning.routing_kpis(session, since, now) if fleet_wide else None,
        doorstep=doorstep_savings(session, since, now) if fleet_wide else None,
        days=days,
        series=series,
        chart=chart_points(series),
        stop_gap_min=int(STOP_GAP.total_seconds() // 60),
        chart_width=CHART_WIDTH,
        chart_height=CHART_HEIGHT,
        nav="kpis",
    )


def chart_points(series: list, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> str:
    """An SVG polyline's points: occupied share (0..1) over the samples, left to right."""
    if not series:
        return ""
    step = width / max(len(series) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - (occupied / total if total else 0) * height:.1f}"
        for i, (_at, occupied, total) in enumerate(series)
    )
