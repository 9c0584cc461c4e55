"""Lockers (one board each) and their compartments."""

import uuid
from typing import Literal

from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import BigInteger, Column, ForeignKey, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH, CODE_PATTERN
from cloud.models.depot import ACCESS_PATTERN
from cloud.models.states import CompartmentState
from protocol.layout import DIMENSIONS_MM, SIZES

CompartmentSize = Literal[SIZES]

# Inner width x height x depth in mm of each compartment size.
COMPARTMENT_SIZES: dict[str, tuple[int, int, int]] = DIMENSIONS_MM


class LockerBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    address: str = Field(default="", max_length=255)
    # WGS84 degrees, for the admin's fleet map; both or neither (LockerCreate checks).
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    # Route planning (cloud/planning): the depot whose vans serve it (none: the nearest), and
    # when a courier can reach it, local to that depot ("24/7", or a mall's "09:00-20:00").
    depot_id: str | None = Field(default=None, foreign_key="depot.id", max_length=CODE_LENGTH)
    access_hours: str = Field(
        default="24/7", schema_extra={"pattern": ACCESS_PATTERN}, max_length=11
    )
    # The building or area it belongs to: whose on-call rota is paged for its alarms.
    site: str = Field(
        default="", schema_extra={"pattern": r"^[A-Za-z0-9_.-]{0,32}$"}, max_length=32
    )


class CompartmentSpec(SQLModel):
    number: int = Field(ge=1, le=999)
    size: CompartmentSize
    accessible: bool = False  # low, reachable from a wheelchair


class LockerCreate(LockerBase):
    id: str = Field(schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH)
    compartments: list[CompartmentSpec] = Field(min_length=1, max_length=999)

    @field_validator("compartments")
    @classmethod
    def _numbers_unique(cls, compartments: list[CompartmentSpec]) -> list[CompartmentSpec]:
        numbers = [c.number for c in compartments]
        if len(set(numbers)) != len(numbers):
            raise ValueError("compartment numbers must be unique")
        return compartments

    @model_validator(mode="after")
    def _both_coordinates(self) -> "LockerCreate":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class BoardHealth(SQLModel):
    """The board's latest telemetry (docs/protocol.md): what an operator checks first."""

    firmware_version: str | None = Field(default=None, max_length=32)
    board_mode: str | None = Field(default=None, max_length=16)  # "normal" or "safe"
    reset_cause: str | None = Field(default=None, max_length=32)
    uptime_s: int | None = Field(default=None, sa_type=BigInteger)
    free_heap: int | None = None
    wifi_rssi: int | None = None
    reconnects: int | None = None
    telemetry_at: NaiveDatetime | None = None


class Locker(LockerBase, BoardHealth, table=True):
    id: str = Field(primary_key=True, max_length=CODE_LENGTH)
    device_key: str = Field(max_length=64)  # hex of the board's own 32-byte key
    command_counter: int = Field(default=0, sa_type=BigInteger)  # the last `ctr` signed
    # The board's events are applied strictly in seq order: every seq up to this one is applied
    # (or was found not to apply), none after it (cloud/board_events/inbox.py).
    applied_seq: int = Field(default=0, sa_type=BigInteger)
    online: bool = False
    # The connection number of the last signed status applied (docs/protocol.md, "Status"): an
    # older one, or this connection's online after its will, is a replay and changes nothing.
    status_conn: int = Field(default=0, sa_type=BigInteger)
    last_seen_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class CompartmentBase(SQLModel):
    number: int = Field(ge=1, le=999)
    size: str = Field(max_length=1)
    width_mm: int
    height_mm: int
    depth_mm: int
    state: str = Field(default=CompartmentState.FREE, max_length=16)
    # Low, reachable from a wheelchair: kept for the parcels whose recipients asked for one.
    accessible: bool = False


class Compartment(CompartmentBase, table=True):
    __table_args__ = (UniqueConstraint("locker_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    locker_id: str = Field(foreign_key="locker.id", index=True, max_length=CODE_LENGTH)
    # parcel <-> compartment reference each other; this side is added after both tables exist.
    parcel_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("parcel.id", use_alter=True), nullable=True)
    )


class CompartmentPublic(CompartmentBase):
    parcel_id: uuid.UUID | None = None


class LockerPublic(LockerBase, BoardHealth):
    id: str
    online: bool
    last_seen_at: NaiveDatetime | None
    created_at: NaiveDatetime


class LockerDetail(LockerPublic):
    compartments: list[CompartmentPublic]


class LockerProvisioned(LockerDetail):
    device_key: str  # returned once, when the locker is provisioned; never again


class LockerKey(SQLModel):
    """A locker's new board key, returned once when an admin rotates it (a board replaced or
    reinstalled: `locker install --reprovision`)."""

    locker_id: str
    device_key: str
    # where the new board numbers on from (config.json "resume", written by `locker install`)
    next_seq: int
    next_conn: int
