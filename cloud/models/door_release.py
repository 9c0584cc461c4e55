"""The door-release ledger: every attempt to get a door opened for someone other than the
parcel's recipient (a remote open, a delegate's PIN, a redirect, a reissued PIN, naming an
unadvised parcel's recipient, a courier's collection), granted or refused
(cloud/services/door_budget.py)."""

import uuid

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from cloud.models.base import CODE_LENGTH

REASON_LENGTH = 200
CONTACT_KEY_LENGTH = 64  # hex HMAC-SHA256
# The kinds of release, and each one's outcome when granted (a refused one's is the refusal's code).
# A claim names the recipient of an unadvised parcel (a courier left it without pre-advice):
# whoever names them decides whose phone its PIN goes to.
REMOTE_OPEN, DELEGATION, REDIRECT, REISSUE, COLLECTION, CLAIM = (
    "remote_open",
    "delegation",
    "redirect",
    "reissue",
    "collection",
    "claim",
)
GRANTED = {
    REMOTE_OPEN: "queued",  # the signed `open` is in the outbox
    DELEGATION: "issued",
    REDIRECT: "redirected",
    REISSUE: "issued",  # a PIN went out
    CLAIM: "issued",
    COLLECTION: "collected",
}  # the board reported the courier's door closed


class DoorReleaseBase(SQLModel):
    at: NaiveDatetime = Field(index=True)
    kind: str = Field(max_length=16)  # one of GRANTED's keys
    # not a foreign key: an attempt on a locker that does not exist is kept too
    locker_id: str = Field(index=True, max_length=CODE_LENGTH)
    compartment: int | None = None  # the compartment's number, where known
    parcel_id: uuid.UUID | None = Field(default=None, index=True)  # the parcel behind the door
    actor: str = Field(
        index=True, max_length=100
    )  # as the audit names it: operator:alice, recipient
    reason: str = Field(default="", max_length=REASON_LENGTH)
    # Against the per-locker and per-actor limits and the fleet burst: every release but the
    # recipient's own and a courier's collection (those are watched, not budgeted).
    counted: bool
    outcome: str = Field(max_length=32)  # the kind's granted outcome, or the refusal's code


class DoorRelease(DoorReleaseBase, table=True):
    __tablename__ = "door_release"

    id: int | None = Field(default=None, primary_key=True)
    # Keyed hashes of the contact the door's credential went to (cloud/services/
    # delegate_contacts.py): they count one phone's parcels across the fleet without keeping
    # the phone, and are cleared once they are older than the window they count in.
    phone_key: str | None = Field(default=None, index=True, max_length=CONTACT_KEY_LENGTH)
    email_key: str | None = Field(default=None, index=True, max_length=CONTACT_KEY_LENGTH)


class DoorReleasePublic(DoorReleaseBase):
    id: int
