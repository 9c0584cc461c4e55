"""The demo's city: its morning's parcels fit their lockers, and its places are in Kraków."""

from locker import city
from protocol.layout import parse_layout


def test_every_locker_takes_its_parcels_of_the_morning():
    """No pre-advice of the demo is refused as locker_full."""
    made = city.morning_parcels()
    assert sum(len(specs) for specs in made.values()) == 200
    for site in city.SITES:
        boxes = parse_layout(site.layout)
        assert len(made[site.id]) <= len(boxes)
        large = sum(1 for _, size in boxes if size == "L")
        assert sum(spec.depth >= 600 for spec in made[site.id]) <= large
    codes = [spec.tracking_code for specs in made.values() for spec in specs]
    assert len(set(codes)) == len(codes) and city.extra_parcel().tracking_code not in codes


def test_the_depot_and_lockers_are_in_krakow():
    for point in [(city.DEPOT["latitude"], city.DEPOT["longitude"])] + [
        (site.latitude, site.longitude) for site in city.SITES
    ]:
        assert 49.97 < point[0] < 50.13 and 19.79 < point[1] < 20.22
    assert sum(site.access_hours != "24/7" for site in city.SITES) == 2
