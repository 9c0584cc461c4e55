"""The demo's city set up in a running cloud over its REST API, as an operator's and the
carriers' clients would: depot and fleet, lockers with their depot and access hours, couriers,
carriers and their parcels."""

import uuid
from collections import namedtuple

from fleet.registration import register_locker
from locker import city
from locker.board_steps import ScenarioFailed
from protocol.layout import parse_layout

Courier = namedtuple("Courier", "id name code")


def open_depot(api):
    """The depot, the kinds of vehicle and the depot's fleet (ids "<depot>-<kind>-<n>")."""
    depot_id = city.DEPOT["id"]
    expect(api.post("/depots", json=city.DEPOT), 201, "create depot " + depot_id)
    for kind in city.KINDS:
        expect(api.post("/vehicle-types", json=kind._asdict()), 201, "vehicle type " + kind.id)
    fleet = {"vehicles": city.FLEET}
    expect(api.put("/depots/%s/fleet" % depot_id, json=fleet), 200, "fleet of " + depot_id)


def register_sites(api_url, headers, api):
    """Every locker of the city, served by the depot; {locker id: its board key (bytes)}."""
    keys = {}
    for site in city.SITES:
        key = register_locker(
            api_url,
            site.id,
            parse_layout(site.layout),
            name=site.name,
            address=site.address,
            point=(site.latitude, site.longitude),
            headers=headers,
            timeout=10,
        )
        keys[site.id] = bytes.fromhex(key)
        routing = {"depot_id": city.DEPOT["id"], "access_hours": site.access_hours}
        expect(api.patch("/lockers/%s/routing" % site.id, json=routing), 200, "route " + site.id)
    return keys


def register_couriers(api):
    """One courier per vehicle: [Courier], each with the code shown this once."""
    made = []
    for name in city.COURIERS:
        courier = expect(api.post("/couriers", json={"name": name}), 201, "register " + name)
        made.append(Courier(uuid.UUID(courier["id"]), name, courier["code"]))
    return made


def carrier_keys(api):
    """{carrier: the X-API-Key headers it pre-advises with}."""
    keys = {}
    for carrier in city.CARRIERS:
        response = api.post("/carriers", json={"name": carrier})
        if response.status_code != 409:  # known from an earlier run: a new key will do
            expect(response, 201, "register carrier " + carrier)
        key = expect(api.post("/carriers/%s/keys" % carrier), 201, "key for " + carrier)
        keys[carrier] = {"X-API-Key": key["key"]}
    return keys


def preadvise(api, keys, spec, locker_id):
    """The carrier announces the parcel for the locker; the cloud's answer (compartment...)."""
    body = {
        "carrier": spec.carrier,
        "tracking_code": spec.tracking_code,
        "locker_id": locker_id,
        "width_mm": spec.width,
        "height_mm": spec.height,
        "depth_mm": spec.depth,
        "recipient": {"name": spec.recipient, "phone": spec.phone},
    }
    response = api.post("/parcels", json=body, headers=keys[spec.carrier])
    return expect(response, 201, "pre-advise " + spec.tracking_code)


def expect(response, status, what):
    if response.status_code != status:
        raise ScenarioFailed("%s: HTTP %d %s" % (what, response.status_code, response.text))
    return response.json()
