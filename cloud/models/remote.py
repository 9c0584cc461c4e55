"""Remote door openings asked for by operators: the request, and an attempt as the API shows
it (each is a row of the door-release ledger, cloud/models/door_release.py)."""

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cloud.models.base import CODE_LENGTH
from cloud.models.door_release import REASON_LENGTH

OPENED = "queued"  # the outcome of a granted open: its command is in the outbox


class RemoteOpenRequest(SQLModel):
    reason: str = Field(min_length=3, max_length=REASON_LENGTH)  # why, in the operator's words


class RemoteOpenPublic(SQLModel):
    id: int
    at: NaiveDatetime
    locker_id: str = Field(max_length=CODE_LENGTH)
    compartment: int  # the compartment's number in its locker
    operator: str = Field(max_length=64)  # username
    reason: str = Field(max_length=REASON_LENGTH)
    outcome: str = Field(max_length=32)  # "queued", or the refusal's code
