"""Who may use the API: operators (password, role) and carriers (API keys)."""

import uuid
from typing import Literal

from pydantic import NaiveDatetime
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow

Role = Literal["viewer", "operator", "admin"]
ROLES = ("viewer", "operator", "admin")  # each may do what the ones before it may
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
CARRIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SITE_CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,32}$"  # one site an operator is scoped to: not "" (fleet)
MAX_SITES = 64  # an operator's scope: a property manager's buildings, not the fleet
SITES_LENGTH = MAX_SITES * 33  # the codes, comma-separated


class Operator(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=256)  # argon2id, with its parameters and salt
    role: str = Field(max_length=16)
    active: bool = True
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    # Where a page reaches them when on call (cloud/services/pager.py): SMS first, else email.
    phone: str | None = Field(default=None, max_length=16)
    email: str | None = Field(default=None, max_length=254)
    # The sites (Locker.site) they may see and act on, comma-separated (site codes have no
    # comma); None for the whole fleet (cloud/services/site_scope.py).
    sites: str | None = Field(default=None, max_length=SITES_LENGTH)


class LoginRequest(SQLModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: NaiveDatetime
    role: str


class CarrierBase(SQLModel):
    name: str = Field(max_length=64, schema_extra={"pattern": CARRIER_PATTERN})


class CarrierCreate(CarrierBase):
    pass


class Carrier(CarrierBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=64, unique=True)  # what its parcels' `carrier` says
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    # Where its parcels' status changes are posted (cloud/notify/webhooks.py), and the secret
    # that signs them, sealed under the pepper (the carrier got it in clear once).
    webhook_url: str | None = Field(default=None, max_length=2048)
    sealed_webhook_secret: str | None = Field(default=None, sa_type=Text)


class CarrierPublic(CarrierBase):
    id: uuid.UUID
    created_at: NaiveDatetime


class ApiKey(SQLModel, table=True):
    """A carrier's key, kept as the SHA-256 of a random 32-byte token (shown once)."""

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: uuid.UUID = Field(foreign_key="carrier.id", index=True)
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16, index=True)  # the token's start: names it in lists and logs
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None


class ApiKeyPublic(SQLModel):
    id: int
    carrier: str
    prefix: str
    created_at: NaiveDatetime
    revoked_at: NaiveDatetime | None


class ApiKeyIssued(ApiKeyPublic):
    key: str  # the whole token: shown this once, stored only hashed
