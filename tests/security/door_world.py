"""A fleet for the door-release attacks: lockers made over the API, parcels pre-advised over the
API and deposited by signed board events through a real bridge worker, and what a refusal
must leave untouched."""

from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from bridge.worker import BridgeWorker
from cloud.core.clock import utcnow
from cloud.models import DoorRelease, Notification, OutboxMessage, PickupCredential
from cloud.services import recipient_links
from protocol import wire

THIEF_PHONE = "+15550100666"  # the outside number a thief sends every PIN to


class DoorWorld:
    """Lockers with deposited parcels; `parcels[locker_id]` are their ids, in order."""

    def __init__(self, client, engine, settings):
        self.client, self.engine, self.settings = client, engine, settings
        self.keys: dict[str, bytes] = {}
        self.seqs: dict[str, int] = {}
        self.parcels: dict[str, list[str]] = {}
        self.codes: dict[str, str] = {}  # parcel id -> tracking code
        self.compartments: dict[str, int] = {}  # parcel id -> compartment number

    def locker(self, locker_id: str, compartments: int) -> None:
        body = {
            "id": locker_id,
            "name": locker_id,
            "compartments": [{"number": n, "size": "M"} for n in range(1, compartments + 1)],
        }
        made = self.client.post("/api/v1/lockers", json=body)
        assert made.status_code == 201, made.text
        self.keys[locker_id] = bytes.fromhex(made.json()["device_key"])
        self.seqs[locker_id], self.parcels[locker_id] = 0, []

    def deposit(self, locker_id: str, code: str, carrier: str = "acme") -> str:
        body = {
            "carrier": carrier,
            "tracking_code": code,
            "locker_id": locker_id,
            "width_mm": 100,
            "height_mm": 100,
            "depth_mm": 100,
            "recipient": {
                "name": "Ada " + code,
                "phone": "+4420" + str(10000000 + len(self.codes)),
            },
        }
        created = self.client.post("/api/v1/parcels", json=body)
        assert created.status_code == 201, created.text
        parcel_id, number = created.json()["id"], created.json()["compartment"]
        self.board_event(locker_id, "deposited", utcnow(), parcel=code, cmp=number)
        self.parcels[locker_id].append(parcel_id)
        self.codes[parcel_id], self.compartments[parcel_id] = code, number
        return parcel_id

    def board_event(self, locker_id: str, kind: str, at: datetime, **fields) -> None:
        """A signed event from the locker's board, through a bridge worker whose clock says `at`."""
        self.seqs[locker_id] += 1
        body = {
            "lkr": locker_id,
            "seq": self.seqs[locker_id],
            "t": int(at.timestamp() * 1000),
            "type": kind,
            **fields,
        }
        bridge = BridgeWorker("mqtt://127.0.0.1:1", self.engine, lambda: at, settings=self.settings)
        bridge.apply(f"lockers/{locker_id}/events", wire.sign(self.keys[locker_id], body))

    def all_parcels(self) -> list[str]:
        return [p for ids in self.parcels.values() for p in ids]

    def delegate(
        self,
        parcel_id: str,
        headers=None,
        *,
        phone: str = THIEF_PHONE,
        email: str | None = None,
        reason: str | None = "recipient called",
        link: bool = False,
    ):
        body = {"name": "Mallory's friend", "phone": phone}
        if email is not None:
            body = {"name": "Mallory's friend", "email": email}
        if reason is not None:
            body["reason"] = reason
        params = {"token": self.link(parcel_id)} if link else None
        return self.client.post(
            f"/api/v1/parcels/{parcel_id}/delegate", json=body, headers=headers, params=params
        )

    def link(self, parcel_id: str) -> str:
        return recipient_links.link_token(self.settings, parcel_id, utcnow() + timedelta(days=3))

    def remote_open(self, locker_id: str, number: int, headers=None):
        return self.client.post(
            f"/api/v1/lockers/{locker_id}/compartments/{number}/open",
            json={"reason": "recipient locked out"},
            headers=headers,
        )

    def effects(self) -> tuple[int, int, int]:
        """What a granted release leaves behind: credentials, commands to boards, messages."""
        with Session(self.engine) as session:
            return tuple(
                session.exec(select(func.count()).select_from(table)).one()
                for table in (PickupCredential, OutboxMessage, Notification)
            )

    def ledger(self) -> list[DoorRelease]:
        with Session(self.engine) as session:
            return list(session.exec(select(DoorRelease).order_by(DoorRelease.id)).all())

    def sent_to(self, address: str) -> int:
        with Session(self.engine) as session:
            query = (
                select(func.count())
                .select_from(Notification)
                .where(Notification.recipient == address)
            )
            return session.exec(query).one()


def code_of(response) -> str | None:
    return response.json().get("detail", {}).get("code") if response.status_code >= 400 else None
