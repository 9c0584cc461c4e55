"""Before the deposit, from the link in the notice sent at pre-advice (announce_to_recipients):
redirect to a nearby locker with room, or hold the delivery; bad choices change nothing.

Lockers along a street in Warsaw, 0.001 degrees of latitude about 111 m apart: N1 (named by
the carrier), N2 at 667 m with room, N3 at 667 m but full, FAR at 2.3 km (beyond walking)."""

import json
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from cloud.admin.auth import SESSION_COOKIE
from cloud.core.clock import utcnow
from cloud.models import (
    AuditEntry,
    Carrier,
    Compartment,
    DoorRelease,
    Notification,
    OutboxMessage,
    Parcel,
)
from cloud.services import lifecycle
from tests.cloud.recipient.conftest import csrf_of, links_in

LONGITUDE = 21.0122
LOCKERS = {"N1": 52.2300, "N2": 52.2360, "N3": 52.2240, "FAR": 52.2510}


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"announce_to_recipients": True})


@pytest.fixture
def announced(client, engine, settings):
    """A parcel pre-advised for N1: its id and the link its announcement SMS carries."""
    for locker_id, latitude in LOCKERS.items():
        body = {"id": locker_id, "name": f"Locker {locker_id}", "address": f"{locker_id} Street"}
        body |= {"latitude": latitude, "longitude": LONGITUDE}
        body |= {"compartments": [{"number": 1, "size": "M"}, {"number": 2, "size": "L"}]}
        assert client.post("/api/v1/lockers", json=body).status_code == 201
    with Session(engine) as session:
        for box in session.exec(select(Compartment).where(Compartment.locker_id == "N3")):
            box.state = "occupied"
        session.commit()
    parcel = {
        "carrier": "DHL",
        "tracking_code": "JJD0009",
        "locker_id": "N1",
        "width_mm": 300,
        "height_mm": 150,
        "depth_mm": 400,
        "recipient": {"name": "Ada", "phone": "+48123456789", "language": "de"},
    }
    created = client.post("/api/v1/parcels", json=parcel).json()
    parcel_id = uuid.UUID(created["id"])
    [path] = links_in(engine, settings, parcel_id, "announced")
    return parcel_id, path


def post(client, path, action, **form):
    csrf = csrf_of(client.get(path).text)
    return client.post(f"{path}/{action}", data={"csrf": csrf, **form}, follow_redirects=False)


def test_the_page_offers_only_nearby_lockers_with_room(announced, anonymous):
    _, path = announced
    page = anonymous.get(path).text
    assert 'value="N2"' in page and "Locker N2, N2 Street (667 m entfernt)" in page
    assert 'value="N3"' not in page and 'value="FAR"' not in page and 'value="N1"' not in page
    assert "Zustellung zurückhalten" in page and 'id="qr"' not in page  # no QR before deposit


def test_redirecting_moves_the_reservation_and_tells_both_boards(announced, anonymous, engine):
    parcel_id, path = announced
    with Session(engine) as session:  # the carrier takes webhooks: it hears why
        session.add(Carrier(name="DHL", webhook_url="https://hooks.dhl.example/x"))
        session.commit()
    moved = post(anonymous, path, "redirect", locker="N2")
    assert moved.status_code == 303 and moved.headers["location"].endswith("?done=redirected")
    with Session(engine) as session:
        parcel = session.get(Parcel, parcel_id)
        compartment = session.get(Compartment, parcel.compartment_id)
        commands = session.exec(
            select(OutboxMessage.locker_id, OutboxMessage.type).order_by(OutboxMessage.id)
        ).all()
        [release] = session.exec(select(DoorRelease)).all()
        audited = session.exec(select(AuditEntry.action)).all()
        old = session.exec(select(Compartment).where(Compartment.locker_id == "N1")).all()
    assert (parcel.locker_id, parcel.state, compartment.locker_id) == ("N2", "reserved", "N2")
    assert commands[-2:] == [("N1", "revoke"), ("N2", "reserve")]
    assert all(box.parcel_id is None for box in old)  # N1's compartment is free again
    assert (release.kind, release.actor, release.counted) == ("redirect", "recipient", False)
    assert "parcel_redirected" in audited
    with Session(engine) as session:
        hooks = session.exec(select(Notification).where(Notification.kind == "parcel.redirected"))
        data = [json.loads(hook.message)["data"] for hook in hooks]
    assert [(d["reason"], d["redirected_from"]) for d in data] == [("recipient_choice", "N1")]


def test_a_locker_not_offered_is_refused_and_nothing_moves(announced, anonymous, engine):
    parcel_id, path = announced
    for locker in ("N3", "FAR", "N1", "NOPE", ""):
        refused = post(anonymous, path, "redirect", locker=locker)
        assert refused.status_code == 409, locker
        assert "Diese Paketstation kann Ihre Sendung nicht aufnehmen" in refused.text
    with Session(engine) as session:
        assert session.get(Parcel, parcel_id).locker_id == "N1"
        assert session.exec(select(OutboxMessage.type)).all() == ["reserve"]


def test_a_hold_gives_back_the_compartment_and_keeps_the_parcel_out_of_waves_and_lapses(
    announced, anonymous, engine, settings
):
    parcel_id, path = announced
    until = date.today() + timedelta(days=5)
    held = post(anonymous, path, "hold", until=until.isoformat())
    assert held.status_code == 303
    page = anonymous.get(held.headers["location"]).text
    assert f"Auf Ihren Wunsch zurückgehalten bis {until}" in page
    assert "Zustellung zurückhalten</button>" not in page  # once only
    with Session(engine) as session:
        parcel = session.get(Parcel, parcel_id)
        assert (parcel.state, parcel.compartment_id) == ("announced", None)
        assert str(parcel.hold_until.date()) == str(until)
        assert session.exec(select(OutboxMessage.type)).all() == ["reserve", "revoke"]
        later = utcnow() + timedelta(hours=settings.reservation_hours + 1)
        assert lifecycle.expire_due(session, later, settings) == 0  # held, so no lapse
        after = parcel.hold_until + timedelta(hours=settings.reservation_hours + 1)
        assert lifecycle.expire_due(session, after, settings) == 1  # lapses after the hold
        session.rollback()
    again = post(anonymous, path, "hold", until=until.isoformat())
    assert again.status_code == 409


def test_operators_see_the_hold_in_the_api_and_the_admin(announced, anonymous, client, credentials):
    parcel_id, path = announced
    until = date.today() + timedelta(days=2)
    post(anonymous, path, "hold", until=until.isoformat())
    api = client.get(f"/api/v1/parcels/{parcel_id}").json()
    assert api["hold_until"] == f"{until}T00:00:00" and api["state"] == "announced"
    token = credentials.operator("viewer")["Authorization"].removeprefix("Bearer ")
    anonymous.cookies.set(SESSION_COOKIE, token)
    admin = anonymous.get(f"/admin/parcels/{parcel_id}").text
    assert "held by the recipient until" in admin and "parcel_held by recipient" in admin


@pytest.mark.parametrize(
    "until", ["", "tomorrow", str(date.today()), str(date.today() + timedelta(days=15))]
)
def test_a_hold_outside_tomorrow_to_14_days_is_refused(announced, anonymous, engine, until):
    parcel_id, path = announced
    refused = post(anonymous, path, "hold", until=until)
    assert refused.status_code == 422 and "zwischen morgen und in 14 Tagen" in refused.text
    with Session(engine) as session:
        assert session.get(Parcel, parcel_id).hold_until is None
