"""PUT /parcels/{id}/recipient: an operator or the claiming carrier completes an unadvised
parcel."""

import uuid

import pytest

from tests.cloud.services.test_unadvised import held  # noqa: F401 (a fixture)

RECIPIENT = {"name": "Grace Hopper", "phone": "+4915112345678"}


@pytest.fixture
def parcel_id(session, held):  # noqa: F811
    session.commit()
    parcel_id = held.id
    session.close()
    return parcel_id


def test_an_operator_completes_it(client, parcel_id):
    response = client.put(
        f"/api/v1/parcels/{parcel_id}/recipient", json={"carrier": "DHL", "recipient": RECIPIENT}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["carrier"], body["tracking_code"], body["state"]) == ("DHL", "X77", "deposited")
    assert body["pickup_deadline"] is not None
    again = client.put(
        f"/api/v1/parcels/{parcel_id}/recipient", json={"carrier": "DHL", "recipient": RECIPIENT}
    )
    assert again.status_code == 409 and again.json()["detail"]["code"] == "has_recipient"


def test_a_carrier_claims_it_and_then_only_it_sees_it(client, credentials, parcel_id):
    response = client.put(
        f"/api/v1/parcels/{parcel_id}/recipient",
        json={"recipient": RECIPIENT},
        headers=credentials.carrier("acme"),
    )
    assert response.status_code == 200 and response.json()["carrier"] == "acme"
    other = client.put(
        f"/api/v1/parcels/{parcel_id}/recipient",
        json={"recipient": RECIPIENT},
        headers=credentials.carrier("globex"),
    )
    assert other.status_code == 404


def test_a_carrier_cannot_claim_it_for_another(client, credentials, parcel_id):
    response = client.put(
        f"/api/v1/parcels/{parcel_id}/recipient",
        json={"carrier": "globex", "recipient": RECIPIENT},
        headers=credentials.carrier("acme"),
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/parcels/{parcel_id}").json()["carrier"] == "unadvised"


@pytest.mark.parametrize(
    "body",
    [
        {"carrier": "DHL"},
        {"carrier": "DHL", "recipient": {"name": "Grace"}},
        {"carrier": "DHL", "recipient": {**RECIPIENT, "phone": "call me"}},
        {"carrier": "", "recipient": RECIPIENT},
        {"recipient": RECIPIENT},  # an operator names the carrier
    ],
)
def test_bad_bodies_are_422_and_change_nothing(client, parcel_id, body):
    response = client.put(f"/api/v1/parcels/{parcel_id}/recipient", json=body)
    assert response.status_code == 422
    assert client.get(f"/api/v1/parcels/{parcel_id}").json()["carrier"] == "unadvised"


def test_an_unknown_parcel_is_404(client):
    response = client.put(
        f"/api/v1/parcels/{uuid.uuid4()}/recipient", json={"carrier": "DHL", "recipient": RECIPIENT}
    )
    assert response.status_code == 404
