"""The Routes page and a manifest rendered from plans built by hand (the planner's shapes):
what each shows, without a database or a solver."""

import re
from types import SimpleNamespace

from cloud.admin.auth import AdminUser
from cloud.admin.route_map import route_colours, route_map
from cloud.admin.templating import templates
from cloud.models.plan_views import Manifest, ManifestStop, UnroutedParcel
from tests.cloud.admin.plans import START, depot, lockers, parcel, plan, route, stop

OPERATOR = AdminUser("olga", "operator", csrf="ab" * 32)
VIEWER = AdminUser("vera", "viewer", csrf="cd" * 32)


def routes_html(shown, user=OPERATOR, zone="UTC"):
    where = depot(zone)
    view = SimpleNamespace(day=shown.day, plans=[shown], plan=shown, lockers=lockers())
    return templates.get_template("routes.html").render(
        user=user,
        depots=[where],
        depot=where,
        view=view,
        plan=shown,
        route_map=route_map(shown, where, view.lockers),
        colours=route_colours(shown.routes),
        error="",
        nav="routes",
    )


def a_plan():
    late = UnroutedParcel(
        parcel_id="6f1c0b5e-0000-4000-8000-000000000001",
        tracking_code="LATE1",
        locker_id="W1",
        action="deliver",
        reason="not routed: locker full",
        alternative="next wave",
        waves_missed=1,
    )
    return plan(
        route(1, "D1-van-1", [stop(1, "N1", load_after=2), stop(2, "E1", minutes=30)]),
        route(2, "D1-van-2", [stop(1, "S1")], colour=1),
        unrouted=[late],
    )


def test_the_routes_page_draws_a_polyline_per_route_in_distinct_colours():
    html = routes_html(a_plan())
    strokes = re.findall(
        r'<polyline class="route-line" points="[^"]+" stroke="(#[0-9a-f]{6})"', html
    )
    assert len(strokes) == 2 and len(set(strokes)) == 2
    assert len(re.findall(r'<g class="stop"', html)) == 3
    assert "<title>1. Locker N1 (N1): ETA 06:10, drop 2, collect 0, 2 parcels aboard after" in html


def test_the_routes_page_lists_routes_stops_and_unrouted_parcels_with_reasons():
    shown = a_plan()
    html = routes_html(shown, zone="Europe/Berlin")
    assert f'href="/admin/plans/{shown.id}/routes/2/manifest"' in html
    assert re.search(r'id="route-row-1">.*?D1-van-1.*?12\.5.*?20\.00.*?07:00 – 09:00', html, re.S)
    assert "LATE1</a>" in html and "not routed: locker full" in html and "next wave" in html
    assert 'name="broken_down"' in html and '<option value="D1-van-2">' in html
    assert "Plan now" in html and "Re-plan" in html


def test_a_viewer_sees_the_plan_but_no_buttons():
    html = routes_html(a_plan(), user=VIEWER)
    assert '<svg id="route-map"' in html and "Plan now" not in html and 'id="replan"' not in html


def test_the_manifest_lists_stops_in_order_with_parcels_to_drop_and_collect():
    drop = [parcel("N1", "AB123"), parcel("N1", "AB124")]
    back = [parcel("E1", "RET9", action="collect")]
    stops = [
        ManifestStop(
            seq=seq,
            locker_id=key,
            locker_name="Locker " + key,
            address="Street " + key,
            access_hours="24/7",
            eta=START.replace(minute=10 * seq),
            done_at=None,
            drop=dropped,
            collect=collected,
        )
        for seq, key, dropped, collected in ((1, "N1", drop, []), (2, "E1", [], back))
    ]
    sheet = Manifest(
        plan_id="6f1c0b5e-0000-4000-8000-0000000000aa",
        route_id=1,
        depot_id="D1",
        day=START.date(),
        vehicle_id="D1-van-1",
        vehicle_type="Electric van",
        courier_id=None,
        courier_name="Kim",
        departs_at=START,
        returns_at=START.replace(hour=8),
        km=12.5,
        stops=stops,
    )
    html = templates.get_template("manifest.html").render(
        user=VIEWER, manifest=sheet, depot=depot("Europe/Berlin"), nav="routes"
    )
    rows = re.findall(r'<tr id="stop-(\d)">(.*?)</tr>', html, re.S)
    assert [seq for seq, _ in rows] == ["1", "2"]
    assert "AB123 [S]" in rows[0][1] and "07:10" in rows[0][1] and "RET9" in rows[1][1]
    assert "2 stops, 2 parcels to drop,\n  1 to collect" in html and "Kim" in html
    assert 'class="no-print"' in html
