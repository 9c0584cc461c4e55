"""Messages to recipients (SMS or email), kept until sent."""
import uuid

from pydantic import NaiveDatetime
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parcel_id: uuid.UUID = Field(foreign_key="parcel.id", index=True)
    channel: str = Field(max_length=8)  # "sms" or "email"
    recipient: str = Field(max_length=254)
    message: str = Field(sa_type=Text)  # with a placeholder where the PIN goes, never the PIN
    # The PIN sealed (cloud.core.security, purpose PIN_SEAL), put into the message only at send
    # time; cleared once sent or given up on.
    sealed_pin: str | None = Field(default=None, sa_type=Text)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    sent_at: NaiveDatetime | None = None
    attempts: int = 0
