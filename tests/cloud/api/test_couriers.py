import pytest


def test_registering_a_courier_never_echoes_the_code(client):
    response = client.post("/api/v1/couriers", json={"name": "Bob", "code": "482913"})
    assert response.status_code == 201
    assert set(response.json()) == {"id", "name", "active", "created_at"}
    assert "482913" not in response.text


def test_a_code_in_use_is_409(client):
    client.post("/api/v1/couriers", json={"name": "Bob", "code": "482913"})
    response = client.post("/api/v1/couriers", json={"name": "Eve", "code": "482913"})
    assert response.status_code == 409 and response.json()["detail"]["code"] == "duplicate_courier_code"


@pytest.mark.parametrize("body", [{"name": "Bob", "code": "12"}, {"name": "Bob", "code": "12ab"},
                                  {"name": "Bob"}, {"code": "1234"}, {"name": "", "code": "1234"}])
def test_invalid_couriers_are_422_and_change_nothing(client, row_counts, body):
    before = row_counts()
    assert client.post("/api/v1/couriers", json=body).status_code == 422
    assert row_counts() == before
