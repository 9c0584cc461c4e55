import pytest

E_VAN = {
    "id": "e-van",
    "name": "electric van",
    "capacity_parcels": 120,
    "capacity_litres": 6000,
    "speed_kmh": 25,
    "shift_start": "06:00",
    "shift_end": "16:00",
    "cost_per_km": 0.12,
    "cost_per_hour": 28,
    "co2_g_per_km": 0,
    "range_km": 180,
}
DIESEL = {**E_VAN, "id": "diesel", "name": "diesel van", "co2_g_per_km": 210, "range_km": None}
BIKE = {
    **E_VAN,
    "id": "bike",
    "name": "cargo bike",
    "capacity_parcels": 12,
    "capacity_litres": 300,
    "speed_kmh": 15,
    "range_km": 40,
}


def test_a_vehicle_type_is_set_up_and_listed(client):
    for vehicle_type in (E_VAN, DIESEL, BIKE):
        response = client.post("/api/v1/vehicle-types", json=vehicle_type)
        assert response.status_code == 201
    assert response.json() == {**BIKE, "service_minutes": 4.0}
    listed = client.get("/api/v1/vehicle-types").json()
    assert [t["id"] for t in listed] == ["bike", "diesel", "e-van"]
    assert listed[1]["co2_g_per_km"] == 210 and listed[1]["range_km"] is None


def test_a_second_type_with_the_same_id_is_409(client, row_counts):
    client.post("/api/v1/vehicle-types", json=E_VAN)
    before = row_counts()
    response = client.post("/api/v1/vehicle-types", json={**E_VAN, "name": "other"})
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "duplicate_vehicle_type"
    assert row_counts() == before


@pytest.mark.parametrize(
    "change, named",
    [
        ({"capacity_parcels": 0}, "capacity_parcels"),
        ({"capacity_parcels": -3}, "capacity_parcels"),
        ({"capacity_litres": 0}, "capacity_litres"),
        ({"speed_kmh": 0}, "speed_kmh"),
        ({"cost_per_km": -0.1}, "cost_per_km"),
        ({"co2_g_per_km": -1}, "co2_g_per_km"),
        ({"range_km": 0}, "range_km"),
        ({"shift_start": "6:00"}, "shift_start"),
        ({"shift_end": "24:30"}, "shift_end"),
        ({"shift_start": "16:00", "shift_end": "06:00"}, "shift must end after it starts"),
        ({"id": "has space"}, "id"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_vehicle_types_are_422_naming_the_field_and_change_nothing(
    client, row_counts, change, named
):
    before = row_counts()
    response = client.post("/api/v1/vehicle-types", json={**E_VAN, **change})
    assert response.status_code == 422 and named in response.text
    assert row_counts() == before


def test_viewers_read_types_and_only_operators_set_them_up(client, credentials):
    viewer = credentials.operator("viewer")
    assert client.post("/api/v1/vehicle-types", json=E_VAN, headers=viewer).status_code == 403
    assert client.get("/api/v1/vehicle-types", headers=viewer).status_code == 200
    carrier = credentials.carrier("DHL")
    assert client.get("/api/v1/vehicle-types", headers=carrier).status_code == 403
    operator = credentials.operator("operator")
    assert client.post("/api/v1/vehicle-types", json=E_VAN, headers=operator).status_code == 201
