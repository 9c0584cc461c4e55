"""The Routes page, "Plan now", "Re-plan" and the manifest over TestClient, on plans the real
planner made (PyVRP, a second of solving each)."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from cloud import planning
from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.models import RoutePlan
from cloud.services import courier_routes, recipient_hold
from tests.cloud.admin.conftest import csrf_of, read
from tests.cloud.admin.town import preadvise, set_up_town
from tests.support.couriers import registered


@pytest.fixture
def town(session, settings, engine):
    """The town, planned once, today: the pages' clock is the wall clock, as the sessions'."""
    set_up_town(session, utcnow(), settings)
    session.commit()
    session.close()
    return planning.plan_depot(engine, "D1", utcnow(), actor="tests", seconds=1, settings=settings)


def polylines(html):
    return re.findall(r'<polyline class="route-line" points="([^"]+)" stroke="(#\w+)"', html)


def test_the_routes_page_draws_the_plan_a_line_per_route(web, town, engine):
    html = web("viewer").get("/admin/routes?depot=D1").text
    with Session(engine) as session:
        shown = planning.plan_view(session, town)
    lines = polylines(html)
    assert len(lines) == len(shown.routes) == 2 and len({c for _, c in lines}) == 2
    assert all(p.split()[0] == p.split()[-1] for p, _ in lines)  # depot to depot
    assert len(re.findall(r'<g class="stop"', html)) == sum(r.stops for r in shown.routes) == 4
    assert f'data-plan="{town}"' in html and "Plan now" not in html  # a viewer plans nothing
    route = shown.routes[0]
    assert f'href="/admin/plans/{town}/routes/{route.id}/manifest"' in html


def test_plan_now_makes_a_new_plan_and_shows_it(web, town, engine, session, settings):
    preadvise(session, "N1", "LATE1", utcnow(), settings)
    session.commit()
    session.close()
    operator = web("operator")
    csrf = csrf_of(operator.get("/admin/routes?depot=D1").text)
    response = operator.post("/admin/routes/plan", data={"csrf": csrf, "depot": "D1", "seconds": 1})
    assert response.status_code == 303
    plan_id = response.headers["location"].split("plan=")[1]
    assert plan_id != str(town) and len(read(engine, select(RoutePlan))) == 2
    html = operator.get(response.headers["location"]).text
    assert f'data-plan="{plan_id}"' in html and len(polylines(html)) == 1


def test_replan_without_a_broken_down_van(web, town, engine):
    operator = web("operator")
    html = operator.get("/admin/routes?depot=D1").text
    [van, *_] = re.findall(r'<option value="(D1-van-\d)">', html)
    response = operator.post(
        f"/admin/plans/{town}/replan",
        data={"csrf": csrf_of(html), "broken_down": [van], "seconds": 1},
    )
    assert response.status_code == 303
    with Session(engine) as session:
        new = planning.plan_view(session, uuid.UUID(response.headers["location"][-36:]))
        assert session.get(RoutePlan, town).state == "replaced"
    assert new.replaces == town and van not in {r.vehicle_id for r in new.routes}


def test_bad_input_gets_a_clear_message_and_changes_nothing(web, town, engine):
    operator = web("operator")
    csrf = csrf_of(operator.get("/admin/routes?depot=D1").text)
    response = operator.post("/admin/routes/plan", data={"csrf": csrf, "depot": "NOPE"})
    assert response.status_code == 404 and "depot NOPE not found" in response.text
    response = operator.post(
        f"/admin/plans/{town}/replan", data={"csrf": csrf, "broken_down": ["NO-VAN"]}
    )
    assert response.status_code in (404, 409, 422) and 'role="alert"' in response.text
    response = operator.post("/admin/routes/plan", data={"csrf": csrf, "depot": "D1", "seconds": 0})
    assert response.status_code == 422
    assert web("viewer").post("/admin/routes/plan", data={"depot": "D1"}).status_code == 403
    [plan] = read(engine, select(RoutePlan))
    assert (plan.id, plan.state) == (town, "active")


def test_the_manifest_lists_the_routes_stops_in_order(web, town, engine):
    with Session(engine) as session:
        route = planning.plan_view(session, town).routes[0]
    html = web("viewer").get(f"/admin/plans/{town}/routes/{route.id}/manifest").text
    seqs = re.findall(r'<tr id="stop-(\d+)">', html)
    assert seqs == [str(s.seq) for s in route.stops_list] and "@media print" not in html
    codes = re.findall(r"([NESW]1P\d)", html)
    assert len(codes) == 2 * len(seqs)  # two parcels to drop at each stop
    assert web("viewer").get(f"/admin/plans/{town}/routes/99999/manifest").status_code == 404


def test_the_kpi_page_shows_the_routing_kpis_and_the_doorstep_comparison(web, town):
    html = web("viewer").get("/admin/kpis").text
    assert 'id="routing-kpis"' in html and 'id="kpi-km-per-parcel"' in html
    assert 'id="saved-km"' in html and "failed attempts avoided" in html


def test_a_route_is_given_to_a_courier_whose_code_then_opens_its_lockers(
    web, town, engine, settings
):
    with Session(engine) as session:
        courier_id = registered(session, "Ola", utcnow(), settings, "5551234567").id
        session.commit()
        route = planning.plan_view(session, town).routes[0]
    operator = web("operator")
    csrf = csrf_of(operator.get("/admin/routes?depot=D1").text)
    url = f"/admin/plans/{town}/routes/{route.id}/courier"
    answer = operator.post(url, data={"csrf": csrf, "courier": str(courier_id)})
    assert answer.status_code == 303
    with Session(engine) as session:
        lockers = courier_routes.route_of(session, courier_id, utcnow().date())
    assert lockers == sorted({stop.locker_id for stop in route.stops_list})
    html = operator.get(answer.headers["location"]).text
    assert f'value="{courier_id}" selected' in html
    unknown = operator.post(url, data={"csrf": csrf, "courier": str(uuid.uuid4())})
    assert unknown.status_code == 404 and "courier" in unknown.text


def test_a_parcel_held_since_the_plan_says_re_plan_needed(web, town, engine, settings):
    with transaction(engine, now=utcnow()) as session:
        last = planning.plan_view(session, town).routes[0].stops_list[-1].parcels[0]
        until = utcnow().date() + timedelta(days=2)
        recipient_hold.hold(session, last.parcel_id, until, utcnow(), settings, actor="recipient")
    html = web("viewer").get("/admin/routes?depot=D1").text
    notice = f"parcel {last.tracking_code} is held until {until.isoformat()}: re-plan needed"
    assert '<div id="astray">' in html and notice in html
