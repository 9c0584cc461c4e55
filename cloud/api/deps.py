"""What routes depend on: a database session, the settings, the current time."""
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from cloud.core.clock import utcnow
from cloud.core.config import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; a route that changes data commits it once."""
    with Session(request.app.state.engine) as session:
        yield session


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_now() -> datetime:
    return utcnow()


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
NowDep = Annotated[datetime, Depends(get_now)]
