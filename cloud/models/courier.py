"""Couriers who deposit parcels, known by a keypad code."""
import uuid

from pydantic import NaiveDatetime
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow

COURIER_CODE_PATTERN = r"^[0-9]{4,12}$"


class CourierBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)


class CourierCreate(CourierBase):
    code: str = Field(schema_extra={"pattern": COURIER_CODE_PATTERN})


class Courier(CourierBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)  # keyed hash: finds a courier by code
    # The code sealed under a key derived from the pepper: a locker provisioned later needs
    # the verifier HMAC(its own key, code), which no hash of the code can give.
    code_sealed: str = Field(sa_type=Text)
    active: bool = True
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class CourierPublic(CourierBase):
    id: uuid.UUID
    active: bool
    created_at: NaiveDatetime
