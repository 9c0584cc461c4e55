"""Parcels pre-advised by carriers, and the pickup credentials issued for them."""

import uuid
from typing import ClassVar, Literal

from pydantic import NaiveDatetime, model_validator
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow
from cloud.models.base import CODE_LENGTH, CODE_PATTERN
from cloud.models.door_release import REASON_LENGTH
from cloud.models.postcode import DeliveryPoint, Placement
from cloud.models.states import ParcelState, ParcelStateValue

PARCEL_KINDS = ("delivery", "return", "unadvised")
Language = Literal["en", "de", "pl"]  # cloud/i18n's LANGUAGES
MAX_PARCEL_MM = 3000  # anything longer is a typo, not a parcel
PHONE_PATTERN = r"^\+?[0-9]{6,15}$"  # E.164 digits, optional +
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
HOLD_MAX_DAYS = 14  # the longest a recipient may hold a parcel back (recipient_hold.py)


class ParcelDimensions(SQLModel):
    width_mm: int = Field(gt=0, le=MAX_PARCEL_MM)
    height_mm: int = Field(gt=0, le=MAX_PARCEL_MM)
    depth_mm: int = Field(gt=0, le=MAX_PARCEL_MM)


class ParcelBase(ParcelDimensions):
    carrier: str = Field(min_length=1, max_length=64)
    tracking_code: str = Field(schema_extra={"pattern": CODE_PATTERN}, max_length=CODE_LENGTH)
    locker_id: str = Field(foreign_key="locker.id", max_length=CODE_LENGTH)  # indexed with the code


class Contact(SQLModel):
    """Someone a parcel's codes are sent to: reached by phone or email (or both)."""

    kind: ClassVar[str] = "contact"  # as the refusal of an unreachable one names it
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, schema_extra={"pattern": PHONE_PATTERN}, max_length=16)
    email: str | None = Field(default=None, schema_extra={"pattern": EMAIL_PATTERN}, max_length=254)

    @model_validator(mode="after")
    def _reachable(self) -> "Contact":
        if not self.phone and not self.email:
            raise ValueError(f"a {self.kind} needs a phone number or an email address")
        return self


class Recipient(Contact):
    kind: ClassVar[str] = "recipient"
    accessible: bool = False  # asks for a low compartment, reachable from a wheelchair
    language: Language = "en"  # of their messages (cloud/i18n)


class Delegate(Contact):
    """Someone the recipient lets collect the parcel: reached by phone or email."""

    kind: ClassVar[str] = "delegate"
    # Why, in an operator's words: required of anyone but the recipient (cloud/services/
    # delegation.py), audited, kept on the door-release ledger.
    reason: str | None = Field(default=None, min_length=3, max_length=REASON_LENGTH)


class ParcelCreate(ParcelBase):
    """A pre-advice: to a locker, or to the recipient's delivery point, where the cloud picks
    the nearest locker with a free compartment that fits (cloud/services/locker_finder.py)."""

    locker_id: str | None = Field(default=None, max_length=CODE_LENGTH)
    recipient: Recipient
    delivery_point: DeliveryPoint | None = None
    preferred_locker_id: str | None = Field(default=None, max_length=CODE_LENGTH)
    # A named locker found full sends the parcel to the nearest one that has room, in walking
    # distance (Settings.walk_max_m); False: refuse instead, as before.
    redirect_when_full: bool = True

    @model_validator(mode="after")
    def _somewhere(self) -> "ParcelCreate":
        if self.locker_id is None and self.delivery_point is None:
            raise ValueError("give a locker_id, or the recipient's delivery_point")
        return self


class RecipientClaim(SQLModel):
    """Who an unadvised parcel is for, and whose it is: an operator names the carrier, a
    carrier's API key implies its own (cloud/services/unadvised.py)."""

    carrier: str | None = Field(default=None, min_length=1, max_length=64)
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
    state: str = Field(default=ParcelState.ANNOUNCED, max_length=16)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    deposited_at: NaiveDatetime | None = None
    collected_at: NaiveDatetime | None = None
    pickup_deadline: NaiveDatetime | None = None
    accessible: bool = False  # goes only in an accessible compartment (Recipient.accessible)
    language: str = Field(default="en", max_length=2)  # the recipient's (Recipient.language)
    extended_at: NaiveDatetime | None = None  # the one extension of the pickup deadline
    expired_at: NaiveDatetime | None = None  # expired or lapsed (cloud/services/lifecycle.py)
    # The recipient's hold (cloud/services/recipient_hold.py): not delivered before this moment.
    hold_until: NaiveDatetime | None = None
    # The carrier's ParcelCreate.redirect_when_full, kept: a locker found full at the courier's
    # deposit redirects the parcel only if its carrier allowed it (services/deposit_redirect.py).
    redirect_when_full: bool = True
    # Someone the recipient lets collect instead (cloud/services/delegation.py): personal data.
    delegate_name: str | None = Field(default=None, max_length=200)
    delegate_phone: str | None = Field(default=None, max_length=16)
    delegate_email: str | None = Field(default=None, max_length=254)
    # The contact-data purge (cloud/services/purge.py): when the parcel was first seen out of
    # LIVE_STATES (its collected_at if it has one), and when its contact data was cleared.
    life_ended_at: NaiveDatetime | None = None
    purged_at: NaiveDatetime | None = None
    # What the parcel is (issue 6, courier flows): a carrier's `delivery`, a recipient's `return`
    # (dropped off with a return code, taken back by a courier) or an `unadvised` parcel a courier
    # brought without pre-advice (held until its carrier completes it: no recipient, no PIN).
    kind: str = Field(default="delivery", max_length=16)
    collect_scheduled_at: NaiveDatetime | None = (
        None  # a courier is to take it away (collection.py)
    )
    returned_at: NaiveDatetime | None = None  # taken away by a courier: back to its sender
    # Dispatch waves that planned without it (cloud/planning): two raise an operator alarm.
    waves_missed: int = 0


class ParcelPublic(ParcelDimensions):
    id: uuid.UUID
    carrier: str
    tracking_code: str
    locker_id: str
    state: ParcelStateValue
    compartment: int | None  # the compartment's number in its locker
    size: str | None  # the compartment's size
    created_at: NaiveDatetime
    deposited_at: NaiveDatetime | None
    collected_at: NaiveDatetime | None
    pickup_deadline: NaiveDatetime | None
    accessible: bool = False
    extended_at: NaiveDatetime | None = None
    expired_at: NaiveDatetime | None = None
    hold_until: NaiveDatetime | None = None  # the recipient asked for no delivery before then
    delegated: bool = False  # a delegate holds a PIN of their own
    placement: Placement | None = None  # in the pre-advice's answer: how the locker was chosen


class PickupCredential(SQLModel, table=True):
    """A one-time pickup PIN, kept only as a keyed hash (and the board's verifier of it)."""

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: uuid.UUID = Field(foreign_key="parcel.id", index=True)
    pin_hash: str = Field(max_length=64, index=True)
    # What the board checks a typed PIN against (protocol.verifiers.pin_verifier): kept to
    # send the `credential` again when the board comes back online. Not the PIN.
    board_verifier: str = Field(max_length=32)
    holder: str = Field(default="recipient", max_length=16)  # or "delegate"
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
