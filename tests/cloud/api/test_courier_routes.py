"""PUT/GET /couriers/{id}/route and POST /couriers/{id}/revoke over real HTTP."""

import json
from datetime import UTC, datetime

from sqlmodel import Session, select

from cloud.models import OutboxMessage

TODAY = datetime.now(UTC).date().isoformat()  # the API's clock is the real one


def provision(client, *locker_ids):
    for locker_id in locker_ids:
        body = {"id": locker_id, "name": locker_id, "compartments": [{"number": 1, "size": "S"}]}
        assert client.post("/api/v1/lockers", json=body).status_code == 201


def courier_lists(engine, locker_id):
    with Session(engine) as session:
        query = select(OutboxMessage).where(
            OutboxMessage.locker_id == locker_id, OutboxMessage.type == "couriers"
        )
        return [
            json.loads(m.body)["v"] for m in session.exec(query.order_by(OutboxMessage.id)).all()
        ]


def test_route_the_courier_read_it_back_and_revoke_them(client, engine):
    provision(client, "A", "B")
    courier = client.post("/api/v1/couriers", json={"name": "Sam"}).json()
    route = client.put(
        f"/api/v1/couriers/{courier['id']}/route", json={"day": TODAY, "locker_ids": ["B", "A"]}
    )
    assert route.status_code == 200 and route.json() == {"day": TODAY, "locker_ids": ["A", "B"]}
    assert client.get(f"/api/v1/couriers/{courier['id']}/route").json() == route.json()
    assert (
        client.get(f"/api/v1/couriers/{courier['id']}/route?day=2999-01-01").json()["locker_ids"]
        == []
    )
    assert [len(v) for v in courier_lists(engine, "A")] == [1]
    revoked = client.post(f"/api/v1/couriers/{courier['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert [len(v) for v in courier_lists(engine, "A")] == [1, 0]
    assert [len(v) for v in courier_lists(engine, "B")] == [1, 0]


def test_bad_routes_are_refused(client):
    provision(client, "A")
    courier = client.post("/api/v1/couriers", json={"name": "Sam"}).json()
    path = f"/api/v1/couriers/{courier['id']}/route"
    assert client.put(path, json={"day": TODAY, "locker_ids": ["NOPE"]}).status_code == 404
    assert client.put(path, json={"day": "2000-01-01", "locker_ids": ["A"]}).status_code == 422
    assert client.put(path, json={"day": "someday", "locker_ids": ["A"]}).status_code == 422
    assert client.put(path, json={"locker_ids": ["A"]}).status_code == 422
    assert client.put(path, json={"day": TODAY, "locker_ids": ["no spaces"]}).status_code == 422
    assert client.put(path, json={"day": TODAY, "locker_ids": ["A"] * 501}).status_code == 422
    unknown = "/api/v1/couriers/00000000-0000-0000-0000-000000000000"
    assert (
        client.put(unknown + "/route", json={"day": TODAY, "locker_ids": ["A"]}).status_code == 404
    )
    assert client.get(unknown + "/route").status_code == 404
    assert client.post(unknown + "/revoke").status_code == 404
    assert client.get(path).json()["locker_ids"] == []


def test_a_new_code_is_shown_once_and_replaces_the_old_one_on_todays_lockers(client, engine):
    provision(client, "A")
    courier = client.post("/api/v1/couriers", json={"name": "Sam"}).json()
    client.put(f"/api/v1/couriers/{courier['id']}/route", json={"day": TODAY, "locker_ids": ["A"]})
    response = client.post(f"/api/v1/couriers/{courier['id']}/code")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    rotated = response.json()
    assert rotated["id"] == courier["id"] and rotated["code"] != courier["code"]
    assert (
        len(courier_lists(engine, "A")) == 2
        and courier_lists(engine, "A")[0] != courier_lists(engine, "A")[1]
    )
    [listed] = client.get("/api/v1/couriers").json()
    assert "code" not in listed and listed["needs_new_code"] is False
    unknown = "/api/v1/couriers/00000000-0000-0000-0000-000000000000"
    assert client.post(unknown + "/code").status_code == 404
    client.post(f"/api/v1/couriers/{courier['id']}/revoke")
    assert client.post(f"/api/v1/couriers/{courier['id']}/code").status_code == 409
