"""Parcels pre-advised by carriers, and the pickup credentials issued for them."""
import uuid
from typing import Literal

from pydantic import NaiveDatetime, model_validator
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH, CODE_PATTERN

ParcelState = Literal["announced", "reserved", "deposited", "collected", "cancelled", "expired"]
LIVE_STATES = ("announced", "reserved", "deposited")  # not yet collected, cancelled or expired
MAX_PARCEL_MM = 3000  # anything longer is a typo, not a parcel
PHONE_PATTERN = r"^\+?[0-9]{6,15}$"  # E.164 digits, optional +
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ParcelDimensions(SQLModel):
    width_mm: int = Field(gt=0, le=MAX_PARCEL_MM)
    height_mm: int = Field(gt=0, le=MAX_PARCEL_MM)
    depth_mm: int = Field(gt=0, le=MAX_PARCEL_MM)


class ParcelBase(ParcelDimensions):
    carrier: str = Field(min_length=1, max_length=64)
    tracking_code: str = Field(schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH)
    locker_id: str = Field(foreign_key="locker.id", max_length=CODE_LENGTH)  # indexed with the code


class Recipient(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, schema_extra={"pattern": PHONE_PATTERN}, max_length=16)
    email: str | None = Field(default=None, schema_extra={"pattern": EMAIL_PATTERN}, max_length=254)

    @model_validator(mode="after")
    def _reachable(self) -> "Recipient":
        if not self.phone and not self.email:
            raise ValueError("a recipient needs a phone number or an email address")
        return self


class ParcelCreate(ParcelBase):
    recipient: Recipient


class Parcel(ParcelBase, table=True):
    __table_args__ = (
        UniqueConstraint("carrier", "tracking_code"),
        Index("ix_parcel_locker_id_tracking_code", "locker_id", "tracking_code"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    compartment_id: int | None = Field(default=None, foreign_key="compartment.id")
    # Personal data: stays in the cloud, never part of a command to a board.
    recipient_name: str = Field(max_length=200)
    recipient_phone: str | None = Field(default=None, max_length=16)
    recipient_email: str | None = Field(default=None, max_length=254)
    state: str = Field(default="announced", max_length=16)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    deposited_at: NaiveDatetime | None = None
    collected_at: NaiveDatetime | None = None
    pickup_deadline: NaiveDatetime | None = None


class ParcelPublic(ParcelDimensions):
    id: uuid.UUID
    carrier: str
    tracking_code: str
    locker_id: str
    state: str
    compartment: int | None  # the compartment's number in its locker
    size: str | None  # the compartment's size
    created_at: NaiveDatetime
    deposited_at: NaiveDatetime | None
    collected_at: NaiveDatetime | None
    pickup_deadline: NaiveDatetime | None


class PickupCredential(SQLModel, table=True):
    """A one-time pickup PIN, kept only as a keyed hash (and the board's verifier of it)."""

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: uuid.UUID = Field(foreign_key="parcel.id", index=True)
    pin_hash: str = Field(max_length=64, index=True)
    # What the board checks a typed PIN against (firmware.core.verifiers.pin_verifier): kept to
    # send the `credential` again when the board comes back online. Not the PIN.
    board_verifier: str = Field(max_length=32)
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
