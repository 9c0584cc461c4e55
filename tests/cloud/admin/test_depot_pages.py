"""Setting routing up in the admin: depots, vehicle types, fleets; bad input changes nothing."""

from sqlmodel import select

from cloud.models import Depot, Locker, Vehicle, VehicleType
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


def test_an_operator_adds_a_depot_and_a_vehicle_type_and_sizes_the_fleet(web, engine):
    admin = web("operator")
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


def test_viewers_set_nothing_up_and_every_post_needs_its_csrf_token(web, engine):
    viewer = web("viewer")
    assert post(viewer, "/admin/depots", DEPOT).status_code == 403
    assert 'id="new-depot"' not in viewer.get("/admin/depots").text
    assert web("operator").post("/admin/depots", data=DEPOT).status_code == 403  # no token
    assert read(engine, select(Depot)) == []


def test_a_locker_is_given_its_depot_position_and_access_hours(web, engine, make_locker, session):
    make_locker("L1")
    session.commit()
    session.close()
    operator = web("operator")
    post(operator, "/admin/depots", DEPOT)
    routing = {"depot": "D1", "latitude": "52.5", "longitude": "13.41", "access_hours": "24/7"}
    bad = {**routing, "access_hours": "09:00-08:00"}
    response = post(operator, "/admin/lockers/L1/routing", bad)
    assert response.status_code == 422 and "must end after they start" in response.text
    response = post(operator, "/admin/lockers/L1/routing", {**routing, "access_hours": "9-5"})
    assert response.status_code == 422 and "or opening hours such as 09:00-20:00" in response.text
    response = post(operator, "/admin/lockers/L1/routing", {**routing, "latitude": ""})
    assert response.status_code == 422 and 'role="alert"' in response.text
    assert read(engine, select(Locker.depot_id, Locker.latitude)) == [(None, None)]
    assert post(operator, "/admin/lockers/L1/routing", routing).status_code == 303
    [locker] = read(engine, select(Locker))
    assert (locker.depot_id, locker.latitude, locker.access_hours) == ("D1", 52.5, "24/7")
    page = operator.get("/admin/lockers/L1").text
    assert '<option value="D1" selected>' in page and 'value="13.41"' in page
