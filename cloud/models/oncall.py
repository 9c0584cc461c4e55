"""Who is paged for a site's alarms, in what order, and each page sent (cloud/services/pager.py).

A site is a building or area of lockers (Locker.site, a short code chosen by the operators);
lockers with none page the rota of the site "" (the whole fleet's)."""

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from cloud.models.parcel import EMAIL_PATTERN, PHONE_PATTERN

SITE_PATTERN = r"^[A-Za-z0-9_.-]{0,32}$"


class OnCallEntry(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("site", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    site: str = Field(max_length=32, index=True)
    position: int  # 0 is paged first; the next is paged when a page goes unacknowledged
    operator_id: int = Field(foreign_key="operator.id")


class Page(SQLModel, table=True):
    """One person paged for one alarm."""

    id: int | None = Field(default=None, primary_key=True)
    alarm_id: int = Field(foreign_key="alarm.id", index=True)
    operator_id: int = Field(foreign_key="operator.id")
    level: int  # the rota position paged
    channel: str = Field(max_length=8)  # "sms" or "email"
    paged_at: NaiveDatetime
    escalate_at: NaiveDatetime  # the next person is paged then, unless acknowledged
    acknowledged_at: NaiveDatetime | None = None
    error: str | None = Field(default=None, max_length=500)  # the channel refused it


class OnCallRota(SQLModel):
    """A site's rota as the API takes and gives it: usernames, first paged first."""

    operators: list[str] = Field(min_length=1, max_length=20)


class OperatorContact(SQLModel):
    """Where pages reach an operator: SMS to the phone if given, else email."""

    phone: str | None = Field(default=None, schema_extra={"pattern": PHONE_PATTERN}, max_length=16)
    email: str | None = Field(default=None, schema_extra={"pattern": EMAIL_PATTERN}, max_length=254)


class PagePublic(SQLModel):
    id: int
    alarm_id: int
    operator: str
    level: int
    channel: str
    paged_at: NaiveDatetime
    escalate_at: NaiveDatetime
    acknowledged_at: NaiveDatetime | None
    error: str | None
