"""Remote opens: an operator opens one compartment's door, within limits; the recent attempts,
and the whole door-release ledger they share a budget with."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from cloud.api.deps import CurrentOperator, OperatorWriter, ScopedLockerId
from cloud.models import (
    CODE_LENGTH,
    CODE_PATTERN,
    DoorRelease,
    DoorReleasePublic,
    RemoteOpenPublic,
    RemoteOpenRequest,
)
from cloud.services import door_budget, remote_open
from cloud.web.deps import NowDep, SessionDep, SettingsDep

router = APIRouter(tags=["remote opens"])

LockerId = Annotated[str, Path(pattern=CODE_PATTERN, max_length=CODE_LENGTH)]
Number = Annotated[int, Path(ge=1, le=999)]


@router.post(
    "/lockers/{locker_id}/compartments/{number}/open",
    status_code=202,
    response_model=RemoteOpenPublic,
)
def open_compartment(
    locker_id: LockerId,
    number: Number,
    data: RemoteOpenRequest,
    operator: OperatorWriter,
    _in_scope: ScopedLockerId,  # another site's locker answers 404, before any attempt is counted
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> RemoteOpenPublic:
    """Queue a signed `open` for the door (429 past the limits; every attempt is audited)."""
    username = operator.actor.removeprefix("operator:")
    opened = remote_open.open_remotely(
        session, locker_id, number, username, data.reason, now, settings
    )
    session.commit()
    session.refresh(opened)
    return remote_open.public(opened)


@router.get("/remote-opens", response_model=list[RemoteOpenPublic])
def list_remote_opens(
    viewer: CurrentOperator, session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[RemoteOpenPublic]:
    """Recent remote open attempts (at the operator's sites, if scoped), refused ones too,
    newest first."""
    return remote_open.recent(session, limit, sites=viewer.sites)


@router.get("/door-releases", response_model=list[DoorReleasePublic])
def list_door_releases(
    viewer: CurrentOperator, session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[DoorRelease]:
    """Recent attempts to get a door opened for someone other than the recipient (remote opens,
    delegations, collections, ...) at the operator's sites if scoped, refused ones too, newest
    first."""
    return door_budget.recent(session, limit, sites=viewer.sites)
