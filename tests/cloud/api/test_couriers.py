import pytest

from protocol.wire import COURIER_CODE_MIN


def test_registering_a_courier_returns_the_drawn_code_once(client):
    response = client.post("/api/v1/couriers", json={"name": "Bob"})
    assert response.status_code == 201 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"id", "name", "active", "created_at", "needs_new_code", "code"}
    assert body["code"].isdigit() and len(body["code"]) == COURIER_CODE_MIN
    listed = client.get("/api/v1/couriers")
    assert listed.status_code == 200 and body["code"] not in listed.text
    assert [c["id"] for c in listed.json()] == [body["id"]]


def test_two_couriers_get_two_codes(client):
    first = client.post("/api/v1/couriers", json={"name": "Bob"}).json()
    second = client.post("/api/v1/couriers", json={"name": "Bob"}).json()
    assert first["code"] != second["code"] and first["id"] != second["id"]


@pytest.mark.parametrize("code", ["4711", "482913", "123456789012", None, 4711])
def test_a_code_of_the_clients_choosing_is_a_clear_422_and_changes_nothing(
    client, row_counts, code
):
    before = row_counts()
    response = client.post("/api/v1/couriers", json={"name": "Bob", "code": code})
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "courier_code_not_accepted"
    assert row_counts() == before


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}])
def test_invalid_couriers_are_422_and_change_nothing(client, row_counts, body):
    before = row_counts()
    assert client.post("/api/v1/couriers", json=body).status_code == 422
    assert row_counts() == before
