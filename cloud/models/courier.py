"""Couriers who deposit parcels, known by a keypad code, and the lockers of their day's route."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import NaiveDatetime, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH, CODE_PATTERN

MAX_ROUTE_STOPS = 500  # a board's courier list holds at most wire.MAX_LIST verifiers anyway


class CourierBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)


class CourierCreate(CourierBase):
    # The cloud draws every courier code (cloud/services/couriers.py). A client that still
    # sends one of its own is told so (422), not silently given another: it would hand out the
    # wrong code. Not in the schema: no client should send it.
    code: SkipJsonSchema[object] = None


class Courier(CourierBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)  # keyed hash: finds a courier by code
    # The code sealed under a key derived from the pepper: a locker provisioned later needs
    # the verifier HMAC(its own key, code), which no hash of the code can give.
    code_sealed: str = Field(sa_type=Text)
    active: bool = True
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    # A code chosen by a person before the cloud drew them (migration 0013): no board gets it
    # until POST /couriers/{id}/code gives the courier a drawn one.
    needs_new_code: bool = False


class CourierPublic(CourierBase):
    id: uuid.UUID
    active: bool
    created_at: NaiveDatetime
    needs_new_code: bool


class CourierWithCode(CourierPublic):
    """A courier and their new code: in the one response that creates the code, never again."""

    code: str


class CourierRouteStop(SQLModel, table=True):
    """A locker a courier may use on a day: their code reaches its board for that day only."""

    __tablename__ = "courier_route_stop"
    __table_args__ = (
        UniqueConstraint("courier_id", "locker_id", "day"),
        Index("ix_courier_route_stop_locker_id_day", "locker_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    courier_id: uuid.UUID = Field(foreign_key="courier.id")
    locker_id: str = Field(foreign_key="locker.id", max_length=CODE_LENGTH)
    day: date


class CourierListSent(SQLModel, table=True):
    """The day and couriers of the last list queued for a locker: what the day rollover
    compares against (cloud/services/courier_routes.py)."""

    __tablename__ = "courier_list_sent"

    locker_id: str = Field(foreign_key="locker.id", primary_key=True, max_length=CODE_LENGTH)
    day: date
    courier_ids: str = Field(sa_type=Text)  # sorted, comma-separated


class CourierRoute(SQLModel):
    """A courier's lockers for one day (PUT replaces the day's list; [] clears it)."""

    day: date
    locker_ids: list[
        Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=CODE_LENGTH)]
    ] = Field(max_length=MAX_ROUTE_STOPS)
