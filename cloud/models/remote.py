"""Remote door openings asked for by operators: the granted ones and the refused ones."""
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cloud.models.base import CODE_LENGTH

REASON_LENGTH = 200
OPENED = "queued"  # the outcome of a granted open: its command is in the outbox


class RemoteOpenRequest(SQLModel):
    reason: str = Field(min_length=3, max_length=REASON_LENGTH)  # why, in the operator's words


class RemoteOpenBase(SQLModel):
    at: NaiveDatetime = Field(index=True)
    # not a foreign key: an attempt on a locker that does not exist is kept too
    locker_id: str = Field(index=True, max_length=CODE_LENGTH)
    compartment: int  # the compartment's number in its locker
    operator: str = Field(index=True, max_length=64)  # username
    reason: str = Field(max_length=REASON_LENGTH)
    outcome: str = Field(max_length=32)  # "queued", or the refusal's code


class RemoteOpen(RemoteOpenBase, table=True):
    __tablename__ = "remote_open"

    id: int | None = Field(default=None, primary_key=True)


class RemoteOpenPublic(RemoteOpenBase):
    id: int
