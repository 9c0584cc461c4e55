"""A parcel pre-advised over the API and deposited by its board, and the link its pickup SMS
carries: what the recipient page's tests open."""

import re
import uuid
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from cloud.board_events import apply_device_event
from cloud.core.clock import utcnow
from cloud.models import Locker, Notification
from cloud.services import notifications

LINK = re.compile(r"https?://\S+(/r/[A-Za-z0-9_.\-]+)")
CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')
LOCKER = {
    "id": "L1",
    "name": "Main St",
    "address": "1 Main Street",
    "compartments": [{"number": 1, "size": "M"}, {"number": 2, "size": "L"}],
}


@dataclass
class Delivered:
    id: uuid.UUID
    path: str  # /r/<token>, from the pickup SMS


def links_in(engine, settings, parcel_id, kind="pickup", recipient=None) -> list[str]:
    """The page paths in the SMS of `kind` about the parcel (to `recipient` if given)."""
    with Session(engine) as session:
        query = select(Notification).where(
            Notification.parcel_id == parcel_id,
            Notification.kind == kind,
            Notification.channel == "sms",
        )
        if recipient:
            query = query.where(Notification.recipient == recipient)
        texts = [notifications.text_to_send(n, settings) for n in session.exec(query)]
    return [LINK.search(text).group(1) for text in texts]


def csrf_of(html: str) -> str:
    return CSRF_FIELD.search(html).group(1)


@pytest.fixture
def deliver(client, engine, settings):
    """Pre-advise a parcel in `language` and deposit it; its id and the SMS's link."""

    def make(language="en", code="JJD0001") -> Delivered:
        if client.get("/api/v1/lockers/L1").status_code == 404:
            assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
        parcel = {
            "carrier": "DHL",
            "tracking_code": code,
            "locker_id": "L1",
            "width_mm": 300,
            "height_mm": 150,
            "depth_mm": 500,
            "recipient": {"name": "Ada Lovelace", "phone": "+441234567890", "language": language},
        }
        created = client.post("/api/v1/parcels", json=parcel).json()
        with Session(engine) as session:
            body = {"lkr": "L1", "seq": 1, "t": 1_893_499_200_000, "type": "deposited"}
            body |= {"parcel": code, "cmp": created["compartment"]}
            apply_device_event(
                session, session.get(Locker, "L1"), body, utcnow(), settings=settings
            )
            session.commit()
        parcel_id = uuid.UUID(created["id"])
        [path] = links_in(engine, settings, parcel_id)
        return Delivered(parcel_id, path)

    return make
