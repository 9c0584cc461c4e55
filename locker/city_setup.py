"""The demo's city set up in a running cloud: depot and fleet, lockers, couriers, carriers.

Lockers, couriers, carriers and parcels go through the REST API as any client's would. The
depot, its vehicle types and fleet, and each locker's depot and access hours are written in one
transaction: the API for them (/depots, /vehicle-types, PATCH /lockers/{id}/routing) is being
added on another branch, and the demo moves onto it when that lands."""

import uuid
from collections import namedtuple

from sqlmodel import select

from cloud.db import transaction
from cloud.models import Depot, Locker, Vehicle, VehicleType
from cloud.services import audit
from fleet.registration import register_locker
from locker import city
from locker.scenario import ScenarioFailed
from protocol.layout import parse_layout

Courier = namedtuple("Courier", "id name code")


def open_depot(engine, now, *, actor):
    """The depot, the kinds of vehicle and the depot's fleet (ids "<depot>-<kind>-<n>")."""
    with transaction(engine, now=now) as session:
        session.add(Depot(**city.DEPOT))
        session.add_all(VehicleType(**kind._asdict()) for kind in city.KINDS)
        session.flush()
        for kind, count in city.FLEET.items():
            for n in range(1, count + 1):
                vehicle_id = "%s-%s-%d" % (city.DEPOT["id"], kind, n)
                session.add(Vehicle(id=vehicle_id, depot_id=city.DEPOT["id"], vehicle_type_id=kind))
        subject = "depot:" + city.DEPOT["id"]
        audit.record(session, actor, "depot_created", subject, now, name=city.DEPOT["name"])
        audit.record(session, actor, "fleet_set", subject, now, vehicles=city.FLEET)


def register_sites(api_url, headers, engine, now, *, actor):
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
    hours = {site.id: site.access_hours for site in city.SITES}
    with transaction(engine, now=now) as session:
        for locker in session.exec(select(Locker).where(Locker.id.in_(list(hours)))):
            locker.depot_id, locker.access_hours = city.DEPOT["id"], hours[locker.id]
            audit.record(
                session,
                actor,
                "locker_routing_set",
                "locker:" + locker.id,
                now,
                depot=locker.depot_id,
                access_hours=locker.access_hours,
            )
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
