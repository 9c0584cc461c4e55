"""Alarms: what the operator has to look at, and acknowledging one."""

from fastapi import APIRouter, HTTPException

from cloud.api.deps import CurrentOperator, OperatorWriter
from cloud.models import Alarm, AlarmPublic
from cloud.services import alarms, door_budget, site_scope
from cloud.web.deps import NowDep, RowId, SessionDep

router = APIRouter(prefix="/alarms", tags=["alarms"])


@router.get("", response_model=list[AlarmPublic])
def list_alarms(viewer: CurrentOperator, session: SessionDep, open: bool = False) -> list[Alarm]:
    """Alarms (of the operator's sites, if scoped), newest first; `open=true` for the
    unacknowledged ones only."""
    return alarms.list_alarms(session, open_only=open, sites=viewer.sites)


@router.post("/{alarm_id}/acknowledge", response_model=AlarmPublic)
def acknowledge_alarm(
    alarm_id: RowId, operator: OperatorWriter, session: SessionDep, now: NowDep
) -> Alarm:
    """Acknowledge an alarm (404 for an unknown one, or another site's); a repeat keeps the
    first time."""
    site_scope.require_alarm(session, operator.sites, alarm_id)
    if not door_budget.may_acknowledge(session, alarm_id, operator.role):
        raise HTTPException(
            403,
            {
                "code": "forbidden",
                "message": "only an admin may acknowledge a "
                f"{door_budget.BURST} alarm: it resumes remote opens, "
                "delegations and every other door release",
            },
        )
    alarm = alarms.acknowledge(session, alarm_id, now)
    session.commit()
    session.refresh(alarm)
    return alarm
