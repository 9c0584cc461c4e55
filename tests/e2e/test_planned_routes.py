"""Planned routes end to end, over a real broker, bridge, cloud, solver and a simulated board:
parcels pre-advised -> a plan -> each courier's code opens only the lockers of their route ->
deposits along the route mark its stop done -> the routing KPIs count it."""

import pytest

from tests.cloud.api.test_plans_api import zone_at_ten
from tests.e2e.courier_steps import api_client, through_door

pytestmark = pytest.mark.e2e
WAIT_S = 20
VAN = {
    "id": "van",
    "name": "small van",
    "capacity_parcels": 3,  # one locker's parcels a van: two routes, one locker each
    "capacity_litres": 500,
    "speed_kmh": 30,
    "shift_start": "06:00",
    "shift_end": "18:00",
}


def _setup(api, board):
    depot = {"id": "D1", "name": "depot", "latitude": 52.2297, "longitude": 21.0122}
    depot |= {"timezone": zone_at_ten(), "opens": "00:00", "closes": "23:59"}
    assert api.post("/depots", json=depot).status_code == 201
    assert api.post("/vehicle-types", json=VAN).status_code == 201
    assert api.put("/depots/D1/fleet", json={"vehicles": {"van": 2}}).status_code == 200
    boxes = [{"number": n, "size": "M"} for n in (1, 2, 3)]
    other = {"id": "OTHER1", "name": "other", "compartments": boxes}
    assert api.post("/lockers", json=other).status_code == 201
    for locker_id, point in ((board.locker_id, (52.24, 21.03)), ("OTHER1", (52.21, 20.98))):
        place = {"depot_id": "D1", "latitude": point[0], "longitude": point[1]}
        assert api.patch(f"/lockers/{locker_id}/routing", json=place).status_code == 200
    for locker_id, first in ((board.locker_id, 500100), ("OTHER1", 500200)):
        for n in range(3):
            parcel = {
                "carrier": "acme",
                "tracking_code": str(first + n),
                "locker_id": locker_id,
                "width_mm": 200,
                "height_mm": 60,
                "depth_mm": 150,
                "recipient": {"name": "Ada", "phone": "+4915100000001"},
            }
            assert api.post("/parcels", json=parcel).status_code == 201
    couriers = [api.post("/couriers", json={"name": n}).json() for n in ("Ola", "Jan")]
    return {c["id"]: c["code"] for c in couriers}


def test_a_planned_route_opens_its_lockers_to_its_courier_only(cloud, provision):
    board, _ = provision(layout="S2,M2,L2")
    api = api_client(cloud)
    codes = _setup(api, board)
    answer = api.post("/depots/D1/plans", json={"seconds": 1, "couriers": list(codes)})
    assert answer.status_code == 201, answer.text
    plan = answer.json()
    assert len(plan["routes"]) == 2 and plan["unrouted"] == []
    ours = next(r for r in plan["routes"] if r["stops_list"][0]["locker_id"] == board.locker_id)
    assert [s["locker_id"] for s in ours["stops_list"]] == [board.locker_id]
    courier = codes[ours["courier_id"]]
    stranger = next(code for cid, code in codes.items() if cid != ours["courier_id"])

    board.wait_until(lambda c: c.courier_count() == 1, WAIT_S, "the route's courier list")
    board.press(stranger + "#")  # routed to the other locker: this board does not know them
    assert not board.controller.courier_session_active()
    board.press("*")
    board.press(courier + "#")
    assert board.controller.courier_session_active()
    stop = ours["stops_list"][0]
    for n, parcel in enumerate(stop["parcels"]):
        board.press(parcel["tracking_code"] + "#")
        through_door(board, n, WAIT_S)
    board.press("*")
    board.wait_until(lambda c: not c.pending_events(), WAIT_S, "the deposits applied")

    done = api.get(f"/plans/{plan['id']}").json()["routes"]
    stop = next(r for r in done if r["id"] == ours["id"])["stops_list"][0]
    assert stop["done_at"] is not None
    assert all(p["done_at"] for p in stop["parcels"])
    kpis = api.get("/kpis/routing", params={"depot_id": "D1"}).json()
    assert kpis["stops_planned"] == 2 and kpis["stops_done"] == 1 and kpis["parcels"] == 6
