"""The audit trail: append-only entries, each hashing its predecessor's hash."""

from pydantic import NaiveDatetime
from sqlalchemy import BigInteger, Text
from sqlmodel import Field, SQLModel

GENESIS_HASH = "0" * 64  # the prev_hash of the first entry


class AuditEntry(SQLModel, table=True):
    # 1, 2, 3, ...: the chain's order, given by the head row (no sequence: no gaps)
    id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: NaiveDatetime
    actor: str = Field(max_length=100)  # operator:alice, carrier:acme, board:L-1, system
    action: str = Field(max_length=32, index=True)
    subject: str = Field(max_length=200)
    detail: str = Field(sa_type=Text)  # canonical JSON, hashed as stored
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's one head row: locked by every append, so appends take turns; it also
    remembers the last entry, so deleting entries at the end is detected too."""

    id: int = Field(default=1, primary_key=True)
    last_id: int = Field(default=0, sa_type=BigInteger)
    last_hash: str = Field(default=GENESIS_HASH, max_length=64)


class AuditEntryPublic(SQLModel):
    id: int
    at: NaiveDatetime
    actor: str
    action: str
    subject: str
    detail: str
    hash: str
