"""The optional Nominatim geocoder, against a real local HTTP server that answers as Nominatim's
`/search` does: a postcode the operator's table lacks is found there (and kept in the table);
any bad answer is refused exactly as an unknown postcode is, and changes nothing."""

import json

import pytest
from sqlmodel import select

from cloud.models import PostcodeCentroid
from cloud.services import postcodes
from cloud.services.errors import Invalid
from cloud.services.geocoder import NominatimGeocoder
from tests.support.nominatim import Nominatim

WARSAW = [  # what nominatim.openstreetmap.org answers, shortened
    {
        "place_id": 9813475,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "relation",
        "lat": "52.2297700",
        "lon": "21.0117800",
        "category": "boundary",
        "type": "postal_code",
        "addresstype": "postcode",
        "name": "00-001",
        "display_name": "00-001, Śródmieście, Warszawa, Polska",
    }
]
BAD_ANSWERS = [
    (200, b"[]", 0),  # Nominatim's "nothing found"
    (200, b"<html>busy</html>", 0),
    (200, b'{"error": "no"}', 0),
    (200, b'[{"lat": "north", "lon": "21.0"}]', 0),
    (200, b'[{"lat": "95.0", "lon": "21.0"}]', 0),
    (200, b'[{"display_name": "no point"}]', 0),
    (503, b"", 0),
]


@pytest.fixture
def nominatim():
    server = Nominatim()
    yield server
    server.close()


def test_a_postcode_is_found_with_a_structured_query_and_a_user_agent(nominatim):
    nominatim.answers.append((200, json.dumps(WARSAW).encode(), 0))
    assert NominatimGeocoder(nominatim.url).postcode("PL", "00-001") == (52.22977, 21.01178)
    [(path, query, headers)] = nominatim.requests
    assert path == "/search"
    assert query == {"postalcode": "00-001", "countrycodes": "pl", "format": "jsonv2", "limit": "1"}
    assert headers["User-Agent"].startswith("openlocker/")


@pytest.mark.parametrize("answer", BAD_ANSWERS)
def test_a_bad_answer_is_not_found(nominatim, answer):
    nominatim.answers.append(answer)
    assert NominatimGeocoder(nominatim.url).postcode("PL", "00-001") is None


def test_no_answer_in_time_is_not_found(nominatim):
    nominatim.answers.append((200, json.dumps(WARSAW).encode(), 1.0))
    geocoder = NominatimGeocoder(nominatim.url)
    geocoder.timeout_s = 0.2
    assert geocoder.postcode("PL", "00-001") is None


def test_the_table_comes_first_and_a_geocoded_postcode_is_kept(session, nominatim):
    nominatim.answers.append((200, json.dumps(WARSAW).encode(), 0))
    geocoder = NominatimGeocoder(nominatim.url)
    assert postcodes.locate(session, "pl", "00 001", geocoder) == (52.22977, 21.01178)
    assert postcodes.locate(session, "PL", "00-001", geocoder) == (52.22977, 21.01178)
    assert len(nominatim.requests) == 1  # the second came from the table
    [kept] = session.exec(select(PostcodeCentroid)).all()
    assert (kept.country, kept.postcode) == ("PL", "00001")


def test_without_a_geocoder_an_unknown_postcode_is_refused(session):
    with pytest.raises(Invalid) as refusal:
        postcodes.locate(session, "PL", "00-001")
    assert refusal.value.code == "unknown_postcode"


# Through the API: a carrier pre-advises to a postcode only the geocoder knows.

LOCKER = {
    "id": "L1",
    "name": "Locker L1",
    "latitude": 52.2300,
    "longitude": 21.0120,
    "compartments": [{"number": 1, "size": "M"}],
}


def parcel():
    return {
        "carrier": "DHL",
        "tracking_code": "JJD0001",
        "width_mm": 100,
        "height_mm": 80,
        "depth_mm": 100,
        "recipient": {"name": "Ada", "phone": "+48123456789"},
        "delivery_point": {"postcode": "00-001", "country": "PL"},
    }


@pytest.fixture
def geocoded(app, client, settings, nominatim):
    settings.geocoder_url = nominatim.url  # the app reads this very Settings object
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    return client


def test_a_pre_advice_to_a_postcode_the_geocoder_knows_is_placed(geocoded, nominatim):
    nominatim.answers.append((200, json.dumps(WARSAW).encode(), 0))
    answer = geocoded.post("/api/v1/parcels", json=parcel())
    assert answer.status_code == 201, answer.text
    assert answer.json()["placement"]["considered"] == [
        {"locker_id": "L1", "distance_m": 30, "outcome": "chosen"}
    ]


@pytest.mark.parametrize("answer", BAD_ANSWERS)
def test_a_bad_geocoder_answer_is_refused_as_an_unknown_postcode(
    geocoded, nominatim, row_counts, answer
):
    nominatim.answers.append(answer)
    before = row_counts()
    refused = geocoded.post("/api/v1/parcels", json=parcel())
    assert refused.status_code == 422
    assert refused.json()["detail"]["code"] == "unknown_postcode"
    assert "not in the operator's postcode table" in refused.json()["detail"]["message"]
    assert row_counts() == before
    assert len(nominatim.requests) == 1


def test_off_by_default_no_geocoder_is_asked(client, settings, nominatim, engine):
    assert settings.geocoder_url is None
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    refused = client.post("/api/v1/parcels", json=parcel())
    assert refused.json()["detail"]["code"] == "unknown_postcode"
    assert nominatim.requests == []
