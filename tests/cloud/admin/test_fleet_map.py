"""The fleet map: lockers with coordinates become dots fitted to the drawing, the rest a list."""

import re

from sqlmodel import Session

from cloud.admin.fleet_map import HEIGHT, MARGIN, WIDTH, fleet_map
from cloud.admin.fleet_view import LockerRow
from cloud.admin.occupancy import LockerOccupancy
from cloud.models import Locker
from cloud.services import devices

BERLIN, HAMBURG, MUNICH = (52.52, 13.405), (53.551, 9.993), (48.137, 11.575)


def row(locker_id, place=None, status="online"):
    latitude, longitude = place or (None, None)
    locker = Locker(
        id=locker_id,
        name="Locker " + locker_id,
        device_key="00",
        latitude=latitude,
        longitude=longitude,
    )
    return LockerRow(locker, status, LockerOccupancy(), 0)


def test_dots_fill_the_drawing_north_up_and_east_right():
    drawn = fleet_map([row("B", BERLIN), row("H", HAMBURG), row("M", MUNICH), row("X")])
    spots = {dot.row.locker.id: (dot.x, dot.y) for dot in drawn.dots}
    assert [r.locker.id for r in drawn.unplaced] == ["X"]
    assert spots["H"][1] == MARGIN and spots["M"][1] == HEIGHT - MARGIN  # north-south fills it
    assert spots["H"][0] < spots["M"][0] < spots["B"][0]  # west to east
    assert all(MARGIN <= x <= WIDTH - MARGIN for x, _ in spots.values())


def test_one_locker_sits_in_the_middle_and_none_draws_nothing():
    [dot] = fleet_map([row("B", BERLIN)]).dots
    assert (dot.x, dot.y) == (WIDTH / 2, HEIGHT / 2)
    assert fleet_map([row("X")]).dots == [] and fleet_map([]).dots == []


def test_the_fleet_page_draws_a_dot_per_placed_locker(
    web, engine, make_locker, session, now, settings
):
    make_locker("L1"), make_locker("L2"), make_locker("L3")
    for locker_id, (latitude, longitude) in (("L1", BERLIN), ("L2", HAMBURG)):
        locker = session.get(Locker, locker_id)
        locker.latitude, locker.longitude = latitude, longitude
    devices.set_online(session, "L1", True, now, settings=settings)
    session.commit()
    session.close()
    page = web("viewer").get("/admin").text
    assert '<svg id="fleet-map"' in page and "cdn" not in page.lower()
    dots = dict(re.findall(r'id="map-(L\d)" data-status="(\w+)"', page))
    assert dots == {"L1": "online", "L2": "offline"}
    assert 'href="/admin/lockers/L1"' in page and "<title>Locker L1 (L1): online</title>" in page
    assert re.search(r'id="unplaced".*Locker L3', page, re.S)
    fragment = web("viewer").get("/admin/fleet/map").text
    assert 'id="map-L2"' in fragment and "<html" not in fragment


def test_without_coordinates_there_is_no_map_but_a_list(web, fleet, engine):
    with Session(engine) as session:
        assert session.get(Locker, "L1").latitude is None
    page = web("viewer").get("/admin").text
    assert '<svg id="fleet-map"' not in page and 'id="unplaced"' in page
