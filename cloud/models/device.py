"""The device inbox (events from boards) and outbox (commands to boards)."""

from pydantic import NaiveDatetime
from sqlalchemy import BigInteger, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH


class DeviceEvent(SQLModel, table=True):
    """One event a board sent, stored once per (locker, seq) with what the cloud did about it."""

    __table_args__ = (UniqueConstraint("locker_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    locker_id: str = Field(foreign_key="locker.id", max_length=CODE_LENGTH)
    seq: int = Field(sa_type=BigInteger)
    type: str = Field(max_length=32)
    body: str = Field(sa_type=Text)  # the event's JSON as the board sent it
    outcome: str = Field(sa_type=Text)  # "applied" or "ignored: <reason>"
    received_at: NaiveDatetime = Field(default_factory=utcnow)


class OutboxMessage(SQLModel, table=True):
    """A command decided in the same transaction as its cause, published later by the relay."""

    id: int | None = Field(default=None, primary_key=True)
    locker_id: str = Field(foreign_key="locker.id", index=True, max_length=CODE_LENGTH)
    type: str = Field(max_length=32)
    body: str = Field(sa_type=Text)  # JSON of the command's fields, without the envelope
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime
    sent_at: NaiveDatetime | None = None
    dropped_at: NaiveDatetime | None = None  # expired before it could be published
    # Assigned at the first publish attempt and kept: a retry resends the very same command,
    # and a counter the board may already have seen is never given to another command.
    counter: int | None = Field(default=None, sa_type=BigInteger)
