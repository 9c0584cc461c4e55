"""POST /lockers/{id}/compartments/{n}/open and GET /remote-opens over real HTTP."""

import json

from sqlmodel import Session, select

from cloud.models import OutboxMessage

LOCKER = {
    "id": "L1",
    "name": "Main St",
    "compartments": [{"number": n, "size": "S"} for n in (1, 2, 3, 4)],
}
OPEN = "/api/v1/lockers/L1/compartments/%d/open"


def test_an_operator_opens_a_door_remotely_202_and_the_command_is_queued(
    client, credentials, engine
):
    assert client.post("/api/v1/lockers", json=LOCKER).status_code == 201
    response = client.post(
        OPEN % 2,
        json={"reason": "recipient locked out"},
        headers=credentials.operator("operator", "olga"),
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["locker_id"], body["compartment"], body["operator"], body["outcome"]) == (
        "L1",
        2,
        "olga",
        "queued",
    )
    with Session(engine) as session:
        [command] = session.exec(select(OutboxMessage).where(OutboxMessage.type == "open")).all()
        assert json.loads(command.body) == {"cmp": 2}
    assert [r["id"] for r in client.get("/api/v1/remote-opens").json()] == [body["id"]]


def test_past_the_locker_limit_429_with_retry_after(client):
    client.post("/api/v1/lockers", json=LOCKER)
    for n in (1, 2, 3):
        assert client.post(OPEN % n, json={"reason": "inspection"}).status_code == 202
    response = client.post(OPEN % 4, json={"reason": "inspection"})
    assert response.status_code == 429
    assert response.json()["detail"]["code"] == "remote_open_locker_limit"
    assert int(response.headers["retry-after"]) == response.json()["detail"]["retry_after_s"] > 0
    assert [r["outcome"] for r in client.get("/api/v1/remote-opens").json()][
        0
    ] == "remote_open_locker_limit"


def test_unknown_door_404_and_bad_input_422(client):
    client.post("/api/v1/lockers", json=LOCKER)
    assert client.post(OPEN % 9, json={"reason": "inspection"}).status_code == 404
    assert (
        client.post(
            "/api/v1/lockers/NOPE/compartments/1/open", json={"reason": "x y z"}
        ).status_code
        == 404
    )
    assert client.post(OPEN % 1, json={}).status_code == 422
    assert client.post(OPEN % 1, json={"reason": ""}).status_code == 422
    assert (
        client.post("/api/v1/lockers/L1/compartments/0/open", json={"reason": "abc"}).status_code
        == 422
    )
    assert (
        client.post("/api/v1/lockers/L%201/compartments/1/open", json={"reason": "abc"}).status_code
        == 422
    )
    assert client.get("/api/v1/remote-opens?limit=0").status_code == 422


def test_the_door_release_ledger_lists_every_kind_to_operators_and_viewers_only(
    client, credentials
):
    client.post("/api/v1/lockers", json=LOCKER)
    opened = client.post(OPEN % 1, json={"reason": "inspection"}).json()
    refused = client.post(OPEN % 9, json={"reason": "inspection"})
    assert refused.status_code == 404
    ledger = client.get("/api/v1/door-releases", headers=credentials.operator("viewer")).json()
    assert [(r["kind"], r["compartment"], r["actor"], r["outcome"]) for r in ledger] == [
        ("remote_open", 9, "operator:admin-1", "compartment_not_found"),
        ("remote_open", 1, "operator:admin-1", "queued"),
    ]
    assert ledger[1]["id"] == opened["id"] and "phone_key" not in ledger[0]
    assert (
        client.get("/api/v1/door-releases", headers=credentials.carrier("acme")).status_code == 403
    )
