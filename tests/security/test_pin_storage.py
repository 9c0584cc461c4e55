"""A database dump gives no PIN away: the cloud keeps a recipient's PIN only as a keyed hash
(key outside the database) and, until the message is sent, sealed; once sent, nowhere at all.
The whole database is scanned after a pre-advice, a deposit and the notification."""

import hashlib
import re

from sqlmodel import Session, SQLModel, select

from cloud.board_events import apply_device_event
from cloud.models import Compartment, Notification, PickupCredential
from cloud.services import notifications, parcels
from locker.phone_inbox import PhoneInbox


def dump(engine):
    """Every value of every row of every table, as text."""
    with engine.connect() as connection:
        return [
            str(value)
            for table in SQLModel.metadata.sorted_tables
            for row in connection.execute(table.select())
            for value in row
        ]


def found(pin, values):
    """Values holding `pin` on its own (not as a piece of a longer hex or base64 string)."""
    alone = re.compile(r"(?<![0-9A-Za-z])%s(?![0-9A-Za-z])" % pin)
    return [v for v in values if v == pin or alone.search(v)]


def unkeyed_digests(pin):
    return [
        getattr(hashlib, name)(pin.encode()).hexdigest()
        for name in ("md5", "sha1", "sha256", "sha512")
    ]


def test_no_pin_in_the_database_before_or_after_it_is_sent(
    engine, session, make_locker, parcel_data, settings, now
):
    locker, _ = make_locker()
    parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
    number = session.get(Compartment, parcel.compartment_id).number
    apply_device_event(
        session,
        locker,
        {"lkr": "L1", "seq": 1, "t": 0, "type": "deposited", "parcel": "JJD0001", "cmp": number},
        now,
        settings=settings,
    )
    session.commit()
    before_sending = dump(engine)

    phone = PhoneInbox()
    assert notifications.dispatch_pending(session, phone, now, settings=settings) >= 1
    session.commit()
    pin = phone.wait_for_pin("+441234567890", "JJD0001", timeout=0)
    after_sending = dump(engine)

    for values in (before_sending, after_sending):
        assert found(pin, values) == []
        assert not set(unkeyed_digests(pin)) & set(values)  # a dump alone cannot be brute-forced
    with Session(engine) as fresh:
        [credential] = fresh.exec(select(PickupCredential)).all()
        assert credential.pin_hash not in unkeyed_digests(
            pin
        )  # keyed with the pepper, not in the DB
        assert all(
            n.sealed_pin is None and n.sealed_qr is None
            for n in fresh.exec(select(Notification)).all()
        )
