"""KPIs over a time window: for now, those of route planning."""

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter

from cloud import planning
from cloud.api.deps import FleetViewer
from cloud.models.plan_views import RoutingKpis
from cloud.services import depots
from cloud.services.errors import Invalid
from cloud.web.deps import NowDep, SessionDep

router = APIRouter(prefix="/kpis", tags=["kpis"])
DEFAULT_WINDOW = timedelta(days=7)


@router.get("/routing", response_model=RoutingKpis)
def routing_kpis(
    _viewer: FleetViewer,
    session: SessionDep,
    now: NowDep,
    since: datetime | None = None,
    until: datetime | None = None,
    depot_id: str | None = None,
) -> RoutingKpis:
    """On-time rate, km and CO2 per stop and parcel, cost per delivery over [since, until)
    (default: the last seven days), from plans and the deposits the boards reported."""
    try:
        until = _utc(until) if until else now
        since = _utc(since) if since else until - DEFAULT_WINDOW
    except OverflowError:  # year 1 with an offset, or a week before it
        raise Invalid("bad_window", "since and until must be dates this side of year 1")
    if since >= until:
        raise Invalid("bad_window", f"since ({since}) must be before until ({until})")
    if depot_id is not None:
        depots.get_depot(session, depot_id)  # 404 for an unknown one
    return planning.routing_kpis(session, since, until, depot_id=depot_id)


def _utc(moment: datetime) -> datetime:
    """Naive UTC, as the cloud's clock keeps time (an offset given is honoured)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
