"""Setting routing up in the admin: depots, vehicle types, fleets; bad input changes nothing."""

from sqlmodel import select

from cloud.models import Depot, Vehicle, VehicleType
from tests.cloud.admin.conftest import csrf_of, read

DEPOT = {
    "id": "D1",
    "name": "Main depot",
    "address": "Hafenstr. 1",
    "latitude": "52.52",
    "longitude": "13.405",
    "timezone": "Europe/Berlin",
    "opens": "05:00",
    "closes": "21:00",
    "cutoffs": "12:00, 06:00",
}
VAN = {
    "id": "e-van",
    "name": "Electric van",
    "capacity_parcels": "120",
    "capacity_litres": "4000",
    "speed_kmh": "25",
    "co2_g_per_km": "0",
    "cost_per_km": "0.3",
    "range_km": "",
}


def post(client, path, data):
    csrf = csrf_of(client.get("/admin/depots").text)
    return client.post(path, data={**data, "csrf": csrf})


def test_an_admin_adds_a_depot_and_a_vehicle_type_and_sizes_the_fleet(web, engine):
    admin = web("admin")
    assert post(admin, "/admin/depots", DEPOT).status_code == 303
    assert post(admin, "/admin/vehicle-types", VAN).status_code == 303
    [depot] = read(engine, select(Depot))
    assert (depot.timezone, depot.cutoffs) == ("Europe/Berlin", "06:00,12:00")
    [van] = read(engine, select(VehicleType))
    assert (van.capacity_parcels, van.range_km) == (120, None)  # blank range: none
    fleet = {"vehicle_type": ["e-van"], "count": ["2"]}
    assert post(admin, "/admin/depots/D1/fleet", fleet).status_code == 303
    assert sorted(v.id for v in read(engine, select(Vehicle))) == ["D1-e-van-1", "D1-e-van-2"]
    page = admin.get("/admin/depots").text
    assert 'id="depot-D1"' in page and 'name="count" type="number" min="0" max="500"' in page
    assert 'value="2"' in page and "Electric van" in admin.get("/admin/vehicle-types").text


def test_bad_input_says_what_is_wrong_and_changes_nothing(web, engine):
    admin = web("admin")
    bad = {**DEPOT, "latitude": "95", "opens": "25:00", "timezone": "Mars/Olympus"}
    response = post(admin, "/admin/depots", bad)
    assert response.status_code == 422 and 'role="alert"' in response.text
    assert "Latitude: input should be less than or equal to 90." in response.text
    assert "Opens: a time of day as HH:MM, e.g. 06:30." in response.text
    assert "unknown time zone &#39;Mars/Olympus&#39;" in response.text
    assert 'value="Main depot"' in response.text  # the form keeps what was typed
    response = post(admin, "/admin/vehicle-types", {**VAN, "capacity_parcels": "many"})
    assert response.status_code == 422 and "Capacity (parcels): input should be" in response.text
    assert read(engine, select(Depot)) == [] and read(engine, select(VehicleType)) == []


def test_a_duplicate_or_an_unknown_name_is_refused_with_the_reason(web, engine):
    admin = web("admin")
    post(admin, "/admin/depots", DEPOT)
    response = post(admin, "/admin/depots", {**DEPOT, "name": "Another"})
    assert response.status_code == 409 and "Depot D1 already exists." in response.text
    response = post(admin, "/admin/depots/D1/fleet", {"vehicle_type": ["bike"], "count": ["1"]})
    assert response.status_code == 422 and "Unknown vehicle type bike." in response.text
    post(admin, "/admin/vehicle-types", VAN)
    response = post(admin, "/admin/depots/D1/fleet", {"vehicle_type": ["e-van"], "count": ["-1"]})
    assert response.status_code == 422 and "must be a whole number" in response.text
    response = post(admin, "/admin/depots/NOPE/fleet", {"vehicle_type": ["e-van"], "count": ["1"]})
    assert response.status_code == 404 and "Depot NOPE not found." in response.text
    assert read(engine, select(Vehicle)) == []
    assert [d.name for d in read(engine, select(Depot))] == ["Main depot"]


def test_only_admins_set_routing_up_and_every_post_needs_its_csrf_token(web, engine):
    operator = web("operator")
    assert post(operator, "/admin/depots", DEPOT).status_code == 403
    assert 'id="new-depot"' not in operator.get("/admin/depots").text
    assert web("admin").post("/admin/depots", data=DEPOT).status_code == 403  # no token
    assert read(engine, select(Depot)) == []
