"""One carrier can never read or change another carrier's parcel, on every parcel endpoint:
the routes are enumerated from the app, so a new endpoint is attacked too. Another carrier's
parcel answers 404, as if it did not exist, and nothing about it changes; a recipient's link
for one parcel opens no other."""

from datetime import timedelta

import pytest
from sqlmodel import Session, SQLModel, select

from cloud.board_events import apply_device_event
from cloud.core.clock import utcnow
from cloud.models import Compartment
from cloud.services import parcels, recipient_links
from tests.security.routes import api_routes, body_for, filled, routes_acting_on_a_parcel

PARCEL_ROUTES = [r for r in api_routes() if r[1].startswith("/api/v1/parcels")]
ON_A_PARCEL = routes_acting_on_a_parcel()
NO_CARRIER = {("POST", "/api/v1/parcels/{parcel_id}/delegate")}  # the recipient or an operator only


@pytest.fixture
def acmes(session, make_locker, parcel_data, settings, now, credentials):
    """acme's parcels in L1: one reserved, one deposited (so every action has its chance)."""
    credentials.carrier("acme"), credentials.carrier("bolt")
    locker, _ = make_locker(sizes="SSS")
    reserved = parcels.preadvise(
        session, parcel_data(carrier="acme", tracking_code="A1"), now, settings=settings
    )
    inside = parcels.preadvise(
        session, parcel_data(carrier="acme", tracking_code="A2"), now, settings=settings
    )
    number = session.get(Compartment, inside.compartment_id).number
    apply_device_event(
        session,
        locker,
        {"lkr": "L1", "seq": 1, "t": 0, "type": "deposited", "parcel": "A2", "cmp": number},
        now,
        settings=settings,
    )
    session.commit()
    ids = [reserved.id, inside.id]
    session.close()
    return ids


def snapshot(engine):
    """Every row of every table: what an attack must leave as it found it."""
    with Session(engine) as session:
        return {
            table.name: sorted(map(repr, session.exec(select(table)).all()))
            for table in SQLModel.metadata.sorted_tables
        }


def test_every_parcel_route_is_attacked_here():
    """A route under /parcels acts on one parcel (then it is in ON_A_PARCEL) or lists/creates."""
    assert set(PARCEL_ROUTES) - set(ON_A_PARCEL) == {
        ("GET", "/api/v1/parcels"),
        ("POST", "/api/v1/parcels"),
    }


@pytest.mark.parametrize("route", ON_A_PARCEL, ids=" ".join)
def test_another_carrier_cannot_read_or_change_a_parcel(client, credentials, acmes, engine, route):
    """404, as if the parcel did not exist; on a route no carrier may use (naming a delegate)
    403 before any parcel is looked up, the same answer as for a parcel that does not exist."""
    bolt = credentials.carrier("bolt")
    method, path = route
    refused = 403 if route in NO_CARRIER else 404
    for parcel_id in acmes:
        before = snapshot(engine)
        response = client.request(
            method, filled(path, parcel_id), json=body_for(route), headers=bolt
        )
        assert response.status_code == refused, (parcel_id, response.text)
        if route in NO_CARRIER:
            nowhere = client.request(method, filled(path), json=body_for(route), headers=bolt)
            assert nowhere.json() == response.json()
        assert "A1" not in response.text and "A2" not in response.text
        assert snapshot(engine) == before


def test_another_carrier_does_not_find_the_parcels(client, credentials, acmes):
    bolt = credentials.carrier("bolt")
    assert client.get("/api/v1/parcels", headers=bolt).json() == []
    for code in ("A1", "A2"):
        assert (
            client.get("/api/v1/parcels", params={"tracking_code": code}, headers=bolt).json() == []
        )
    assert (
        client.get("/api/v1/parcels", params={"carrier": "acme"}, headers=bolt).status_code == 403
    )
    assert len(client.get("/api/v1/parcels", headers=credentials.carrier("acme")).json()) == 2


def test_another_carrier_cannot_preadvise_or_return_in_its_name(client, credentials, acmes, engine):
    bolt = credentials.carrier("bolt")
    before = snapshot(engine)
    for route in (("POST", "/api/v1/parcels"), ("POST", "/api/v1/returns")):
        body = dict(body_for(route), carrier="acme")
        assert client.request(*route, json=body, headers=bolt).status_code == 403, route
    assert snapshot(engine) == before


@pytest.mark.parametrize("route", [r for r in ON_A_PARCEL if r[0] == "POST"], ids=" ".join)
def test_a_recipients_link_acts_on_its_own_parcel_only(anonymous, acmes, settings, engine, route):
    """The signed link a recipient gets (?token=) names one parcel: not another one, and not
    after it expires."""
    mine, other = acmes
    method, path = route
    before = snapshot(engine)
    now = utcnow()  # the API's clock
    for token in (
        recipient_links.link_token(settings, mine, now + timedelta(days=1)),
        recipient_links.link_token(settings, other, now - timedelta(seconds=1)),
    ):
        response = anonymous.request(
            method, filled(path, other), params={"token": token}, json=body_for(route)
        )
        assert response.status_code in (401, 403), response.text
    assert snapshot(engine) == before
