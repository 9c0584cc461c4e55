"""Operator alarms: what a board reported that a person has to look at (docs/protocol.md)."""

from typing import Literal

from pydantic import NaiveDatetime
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH

# door_release_burst (remote_open_burst before 0012) stops every door release for someone other
# than the recipient until an admin acknowledges it; delegate_contact: one delegate's phone or
# email given for many parcels (cloud/services/door_budget.py, delegate_contacts.py).
ALARM_KINDS = (
    "jammed",
    "left_open",
    "tamper",
    "command_refused",
    "conflict",
    "pin_guessing",
    "door_release_burst",
    "offline",
    "full",
    "delegate_contact",
    "courier_guessing",
    "login_guessing",
    "parcel_not_routed",  # missed two dispatch waves (cloud/planning)
    "notification_failed",  # a recipient or carrier never told (cloud/services/notifications.py)
)
AlarmKind = Literal[ALARM_KINDS]  # the same names, for the API's schema


class AlarmBase(SQLModel):
    # None for an alarm about no one locker (login_guessing: cloud/services/login_throttle.py)
    locker_id: str | None = Field(
        default=None, foreign_key="locker.id", index=True, max_length=CODE_LENGTH
    )
    compartment: int | None = None  # the compartment number; None for the whole locker
    kind: str = Field(max_length=32)  # 32 since 0006 (remote_open_burst)
    detail: str = Field(sa_type=Text)
    count: int = 1  # a repeat while the alarm is open bumps this instead of raising another
    raised_at: NaiveDatetime = Field(default_factory=utcnow)
    acknowledged_at: NaiveDatetime | None = None
    # Set when the cause went away by itself (the board back online, a compartment free again).
    resolved_at: NaiveDatetime | None = None


class Alarm(AlarmBase, table=True):
    """At most one open (neither acknowledged nor resolved) alarm per locker, compartment and
    kind."""

    id: int | None = Field(default=None, primary_key=True)


class AlarmPublic(AlarmBase):
    id: int
