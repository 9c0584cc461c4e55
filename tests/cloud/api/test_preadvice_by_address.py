"""A carrier pre-advises to the recipient's delivery point (coordinates or a postcode) and the
cloud picks the locker; a full locker redirects to the next one. Real API, real database.

Lockers north of a point in Warsaw, 0.001 degrees of latitude being about 111 m apart:
L1 at 33 m (small compartments only), L2 at 667 m, L3 at 1,700 m (beyond the 1,500 m walk)."""

import json

import pytest
from sqlmodel import Session, select

from cloud.models import Alarm, Compartment, Locker, Notification, OutboxMessage, Parcel

POINT = {"latitude": 52.2297, "longitude": 21.0122}
LOCKERS = {"L1": (52.2300, "SSS"), "L2": (52.2357, "SML"), "L3": (52.2450, "SML")}
CSV = "country,postcode,latitude,longitude\nPL,00-001,52.2297,21.0122\nPL,30-001,50.06,19.94\n"


def parcel(code="JJD0001", height=80, **where):
    return {
        "carrier": "DHL",
        "tracking_code": code,
        "width_mm": 100,
        "height_mm": height,
        "depth_mm": 100,
        "recipient": {"name": "Ada", "phone": "+48123456789"},
        **where,
    }


@pytest.fixture
def city(client, engine):
    for locker_id, (latitude, sizes) in LOCKERS.items():
        compartments = [{"number": n, "size": s} for n, s in enumerate(sizes, 1)]
        body = {"id": locker_id, "name": f"Locker {locker_id}", "compartments": compartments}
        body |= {"latitude": latitude, "longitude": POINT["longitude"]}
        assert client.post("/api/v1/lockers", json=body).status_code == 201
    return client


def fill(engine, locker_id):
    with Session(engine) as session:
        for box in session.exec(select(Compartment).where(Compartment.locker_id == locker_id)):
            box.state = "occupied"
        session.commit()


def test_the_nearest_locker_with_room_is_chosen_and_the_answer_says_why(city, engine):
    answer = city.post("/api/v1/parcels", json=parcel(delivery_point=POINT))
    assert answer.status_code == 201, answer.text
    placed = answer.json()
    assert (placed["locker_id"], placed["state"]) == ("L1", "reserved")
    assert placed["placement"]["considered"] == [
        {"locker_id": "L1", "distance_m": 33, "outcome": "chosen"}
    ]
    big = city.post("/api/v1/parcels", json=parcel("JJD0002", 300, delivery_point=POINT)).json()
    assert big["locker_id"] == "L2"  # L1 has small compartments only
    assert [o["outcome"] for o in big["placement"]["considered"]] == [
        "no compartment fits",
        "chosen",
    ]
    with Session(engine) as session:
        [reserve] = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.locker_id == "L2", OutboxMessage.type == "reserve"
            )
        ).all()
    assert json.loads(reserve.body)["parcel"] == "JJD0002"  # the board of the chosen locker


def test_a_full_locker_is_passed_over_and_the_preferred_locker_comes_first(city, engine):
    fill(engine, "L1")
    answer = city.post("/api/v1/parcels", json=parcel(delivery_point=POINT)).json()
    assert answer["locker_id"] == "L2"
    assert answer["placement"]["considered"][0] == {
        "locker_id": "L1",
        "distance_m": 33,
        "outcome": "full",
    }
    far = parcel("JJD0002", delivery_point=POINT, preferred_locker_id="L3")
    assert city.post("/api/v1/parcels", json=far).json()["locker_id"] == "L3"  # their choice


def test_no_locker_in_walking_distance_is_a_refusal_naming_the_nearest(city, engine, row_counts):
    fill(engine, "L1")
    fill(engine, "L2")
    before = row_counts()
    answer = city.post("/api/v1/parcels", json=parcel(delivery_point=POINT))
    assert answer.status_code == 409
    detail = answer.json()["detail"]
    assert detail["code"] == "no_locker_in_range"
    assert (
        "L1 (33 m, full), L2 (667 m, full), L3 (1701 m, beyond walking distance)"
        in (detail["message"])
    )
    assert row_counts() == before


def test_a_postcode_from_the_operators_table_finds_the_locker(city, engine):
    from cloud.services.postcodes import import_csv

    with Session(engine) as session:
        assert import_csv(session, CSV) == 2
        session.commit()
    where = {"postcode": "00 001", "country": "PL"}
    answer = city.post("/api/v1/parcels", json=parcel(delivery_point=where))
    assert (answer.status_code, answer.json()["locker_id"]) == (201, "L1")
    unknown = city.post(
        "/api/v1/parcels",
        json=parcel("JJD0002", delivery_point={"postcode": "99-999", "country": "PL"}),
    )
    assert unknown.status_code == 422 and unknown.json()["detail"]["code"] == "unknown_postcode"
    krakow = city.post(
        "/api/v1/parcels",
        json=parcel("JJD0003", delivery_point={"postcode": "30-001", "country": "PL"}),
    )
    assert krakow.status_code == 409  # 250 km from every locker


@pytest.mark.parametrize(
    "where",
    [
        {},  # neither a locker nor a delivery point
        {"delivery_point": {"latitude": 52.2}},
        {"delivery_point": {**POINT, "postcode": "00-001", "country": "PL"}},
        {"delivery_point": {"postcode": "00-001"}},
        {"delivery_point": {"postcode": "00-001", "country": "Poland"}},
        {"delivery_point": {"latitude": 91, "longitude": 0}},
        {"delivery_point": {}},
    ],
)
def test_a_bad_delivery_point_is_refused_and_changes_nothing(city, where, row_counts):
    before = row_counts()
    assert city.post("/api/v1/parcels", json=parcel(**where)).status_code == 422
    assert row_counts() == before


def test_a_named_locker_found_full_redirects_and_tells_recipient_and_carrier(
    city, engine, credentials
):
    dhl = credentials.carrier("DHL")
    assert (
        city.put("/api/v1/webhook", json={"url": "https://hooks.dhl.example/x"}, headers=dhl)
    ).status_code == 200
    fill(engine, "L1")
    answer = city.post("/api/v1/parcels", json=parcel(locker_id="L1"), headers=dhl)
    assert answer.status_code == 201, answer.text
    placed = answer.json()
    assert (placed["locker_id"], placed["placement"]["redirected_from"]) == ("L2", "L1")
    with Session(engine) as session:
        kinds = {(n.channel, n.kind) for n in session.exec(select(Notification))}
        assert {("sms", "redirected"), ("webhook", "parcel.redirected")} <= kinds
        [hook] = session.exec(select(Notification).where(Notification.kind == "parcel.redirected"))
        assert json.loads(hook.message)["data"]["locker_id"] == "L2"
        [alarm] = session.exec(select(Alarm))
        assert (alarm.locker_id, alarm.kind) == ("L1", "full")  # operators still hear of it
        assert session.exec(select(Parcel)).one().locker_id == "L2"  # what planning reads


def test_without_redirect_or_coordinates_a_full_locker_refuses_as_before(city, engine):
    fill(engine, "L1")
    stay = city.post("/api/v1/parcels", json=parcel(locker_id="L1", redirect_when_full=False))
    assert (stay.status_code, stay.json()["detail"]["code"]) == (409, "locker_full")
    with Session(engine) as session:
        session.get(Locker, "L1").latitude = None
        session.get(Locker, "L1").longitude = None
        session.commit()
    nowhere = city.post("/api/v1/parcels", json=parcel("JJD0002", locker_id="L1"))
    assert (nowhere.status_code, nowhere.json()["detail"]["code"]) == (409, "locker_full")
