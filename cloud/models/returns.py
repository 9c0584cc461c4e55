"""Return drop-offs: what a carrier or retailer sends to get a return code, and what it gets."""

import uuid

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cloud.models.base import CODE_LENGTH, CODE_PATTERN
from cloud.models.locker import CompartmentSize
from cloud.models.parcel import MAX_PARCEL_MM, Recipient


class ReturnCreate(SQLModel):
    locker_id: str = Field(schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH)
    carrier: str = Field(min_length=1, max_length=64)  # who takes the return back
    tracking_code: str | None = Field(
        default=None, schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH
    )  # made up (RET-...) when absent
    # a compartment size, or the parcel's dimensions (the smallest compartment it fits)
    size: CompartmentSize | None = None
    width_mm: int | None = Field(default=None, gt=0, le=MAX_PARCEL_MM)
    height_mm: int | None = Field(default=None, gt=0, le=MAX_PARCEL_MM)
    depth_mm: int | None = Field(default=None, gt=0, le=MAX_PARCEL_MM)
    contact: Recipient  # the person returning: the code is sent to them (personal data)


class ReturnIssued(SQLModel):
    id: uuid.UUID
    tracking_code: str
    locker_id: str
    compartment: int
    size: str
    return_code: str  # shown once; the cloud keeps only its hash
    expires_at: NaiveDatetime
