"""The admin's routes over TestClient: who may see and do what, and CSRF on every POST."""

from sqlmodel import Session, select

from cloud.admin.auth import LOGIN_COOKIE, SESSION_COOKIE
from cloud.models import Alarm, AuditEntry, Compartment, DoorRelease, Locker, OutboxMessage
from tests.cloud.admin.conftest import csrf_of, read
from tests.conftest import TEST_PASSWORD


def test_pages_send_the_anonymous_to_the_login_page(anonymous):
    for path in ("/admin", "/admin/alarms", "/admin/parcels", "/admin/kpis", "/admin/lockers/L1"):
        response = anonymous.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/admin/login"), path
    assert anonymous.get("/admin/events", follow_redirects=False).status_code == 303


def test_a_post_without_a_session_is_401(anonymous, fleet):
    response = anonymous.post(f"/admin/alarms/{fleet.alarm_id}/acknowledge", data={"csrf": "x"})
    assert response.status_code == 401 and response.json()["detail"]["code"] == "unauthenticated"


def test_login_sets_an_httponly_samesite_strict_cookie(anonymous, credentials):
    credentials.operator("viewer", "vera")
    form = anonymous.get("/admin/login")
    response = anonymous.post(
        "/admin/login",
        follow_redirects=False,
        data={"username": "vera", "password": TEST_PASSWORD, "csrf": csrf_of(form.text)},
    )
    assert (response.status_code, response.headers["location"]) == (303, "/admin")
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
    assert "vera (viewer)" in anonymous.get("/admin").text


def test_a_wrong_password_shows_the_form_again_without_a_session(anonymous, credentials):
    credentials.operator("viewer", "vera")
    form = anonymous.get("/admin/login")
    response = anonymous.post(
        "/admin/login", data={"username": "vera", "password": "wrong", "csrf": csrf_of(form.text)}
    )
    assert response.status_code == 401 and "wrong username or password" in response.text.lower()
    assert SESSION_COOKIE not in response.cookies


def test_login_without_its_csrf_token_is_refused(anonymous, credentials):
    credentials.operator("viewer", "vera")
    anonymous.get("/admin/login")
    response = anonymous.post("/admin/login", data={"username": "vera", "password": TEST_PASSWORD})
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies
    anonymous.cookies.delete(LOGIN_COOKIE)  # a token from another browser's form does not do
    other = anonymous.get("/admin/login")
    anonymous.cookies.set(LOGIN_COOKIE, "someone-else")
    response = anonymous.post(
        "/admin/login",
        data={"username": "vera", "password": TEST_PASSWORD, "csrf": csrf_of(other.text)},
    )
    assert response.status_code == 403


def test_a_csrf_token_with_letters_outside_ascii_is_refused_not_a_server_error(
    anonymous, web, credentials, fleet
):
    """compare_digest raises on str with non-ASCII characters; found by the admin fuzz."""
    credentials.operator("viewer", "vera")
    anonymous.get("/admin/login")
    response = anonymous.post(
        "/admin/login", data={"username": "vera", "password": TEST_PASSWORD, "csrf": "\u00e9" * 64}
    )
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies
    response = web("operator").post(
        f"/admin/alarms/{fleet.alarm_id}/acknowledge", data={"csrf": "\u00e9" * 64}
    )
    assert response.status_code == 403


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(web, fleet, engine):
    operator = web("operator")
    for data in ({}, {"csrf": "0" * 64}):
        response = operator.post(f"/admin/alarms/{fleet.alarm_id}/acknowledge", data=data)
        assert response.status_code == 403 and response.json()["detail"]["code"] == "csrf_failed"
    assert _acknowledged(engine, fleet.alarm_id) is None


def test_an_operator_acknowledges_an_alarm(web, fleet, engine):
    operator = web("operator")
    page = operator.get("/admin/alarms")
    assert "door 2 forced" in page.text and "Acknowledge" in page.text
    response = operator.post(
        f"/admin/alarms/{fleet.alarm_id}/acknowledge", data={"csrf": csrf_of(page.text)}
    )
    assert (response.status_code, response.headers["location"]) == (303, "/admin/alarms")
    assert _acknowledged(engine, fleet.alarm_id) is not None
    assert "No open alarms" in operator.get("/admin/alarms").text
    assert "door 2 forced" in operator.get("/admin/alarms?all=true").text


def test_the_csrf_header_does_as_well_as_the_form_field(web, fleet):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/alarms").text)
    response = operator.post(
        f"/admin/alarms/{fleet.alarm_id}/acknowledge", headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 303


def test_a_viewer_reads_but_may_not_post(web, fleet, engine):
    viewer = web("viewer")
    page = viewer.get("/admin/alarms")
    assert "door 2 forced" in page.text and "Acknowledge" not in page.text
    token = csrf_of(page.text)  # the logout form's: a viewer may log out
    for path in (
        f"/admin/alarms/{fleet.alarm_id}/acknowledge",
        "/admin/lockers/L2/compartments/1/out-of-service",
        "/admin/lockers/L2/compartments/1/open",
    ):
        response = viewer.post(path, data={"csrf": token, "reason": "testing it"})
        assert response.status_code == 403 and response.json()["detail"]["code"] == "forbidden", (
            path
        )
    assert _acknowledged(engine, fleet.alarm_id) is None
    assert viewer.post("/admin/logout", data={"csrf": token}).status_code == 303


def test_acknowledging_an_unknown_alarm_is_404(web, fleet):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/alarms").text)
    assert (
        operator.post("/admin/alarms/999999/acknowledge", data={"csrf": token}).status_code == 404
    )


def test_the_fleet_page_shows_links_occupancy_firmware_and_alarms(web, fleet, engine):
    with Session(engine) as session:
        l2 = session.get(Locker, "L2")
        l2.online, l2.firmware_version = True, "1.4.2"
        session.commit()
    page = web("viewer").get("/admin").text
    assert 'id="locker-L1" data-status="offline"' in page
    assert 'id="locker-L2" data-status="online"' in page
    assert "1.4.2 × 1" in page and "unknown × 1" in page
    rows = web("viewer").get("/admin/fleet/rows").text
    assert "<html" not in rows and 'id="locker-L1"' in rows


def test_out_of_service_and_back_is_audited(web, fleet, engine):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/lockers/L2").text)
    response = operator.post(
        "/admin/lockers/L2/compartments/1/out-of-service", data={"csrf": token}
    )
    assert response.status_code == 303
    assert _state(engine, "L2", 1) == "out_of_service"
    assert "Back in service" in operator.get("/admin/lockers/L2").text
    assert (
        operator.post(
            "/admin/lockers/L2/compartments/1/in-service", data={"csrf": token}
        ).status_code
        == 303
    )
    assert _state(engine, "L2", 1) == "free"
    actions = read(
        engine,
        select(AuditEntry.action)
        .where(AuditEntry.subject == "compartment:L2/1")
        .order_by(AuditEntry.id),
    )
    assert actions == ["compartment_out_of_service", "compartment_in_service"]


def test_a_compartment_awaiting_a_parcel_stays_in_service(web, fleet, engine):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/lockers/L1").text)
    number = fleet.parcel_compartment
    response = operator.post(
        f"/admin/lockers/L1/compartments/{number}/out-of-service", data={"csrf": token}
    )
    assert response.status_code == 409 and "empty it before" in response.text
    assert _state(engine, "L1", number) == "reserved"


def test_an_unknown_locker_or_compartment_is_404(web, fleet):
    operator = web("operator")
    assert operator.get("/admin/lockers/NOPE").status_code == 404
    token = csrf_of(operator.get("/admin/lockers/L2").text)
    assert (
        operator.post(
            "/admin/lockers/L2/compartments/9/out-of-service", data={"csrf": token}
        ).status_code
        == 404
    )
    assert operator.get("/admin/lockers/L2/compartments/9/open").status_code == 404


def test_remote_open_asks_for_confirmation_first(web, fleet):
    page = web("operator").get("/admin/lockers/L2/compartments/1/open")
    assert page.status_code == 200 and "Open door 1 of locker L2?" in page.text


def test_an_operator_opens_a_door_after_confirming(web, fleet, engine):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/lockers/L2/compartments/1/open").text)
    response = operator.post(
        "/admin/lockers/L2/compartments/1/open",
        data={"csrf": token, "reason": "recipient on the phone"},
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/admin/lockers/L2?opened=1",
    )
    assert read(
        engine,
        select(OutboxMessage.body).where(
            OutboxMessage.locker_id == "L2", OutboxMessage.type == "open"
        ),
    ) == ['{"cmp": 1}']
    [opened] = read(engine, select(DoorRelease))
    assert (opened.kind, opened.actor, opened.reason, opened.outcome) == (
        "remote_open",
        "operator:operator-1",
        "recipient on the phone",
        "queued",
    )


def test_the_locker_page_lists_the_doors_released_for_others_refused_ones_too(web, fleet, engine):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/lockers/L2").text)
    for _ in range(2):  # the second one: compartment 1 of L2 is asked for again, L2 has 2 doors
        operator.post(
            "/admin/lockers/L2/compartments/1/open", data={"csrf": token, "reason": "stuck"}
        )
    operator.post("/admin/lockers/L2/compartments/9/open", data={"csrf": token, "reason": "typo"})
    page = operator.get("/admin/lockers/L2").text
    table = page[page.index('id="door-releases"') :]
    assert table.count("remote_open") == 3 and "operator:operator-1" in table
    assert "compartment_not_found" in table and table.count("queued") == 2


def test_a_refused_remote_open_is_shown_and_opens_nothing(web, fleet, engine):
    operator = web("operator")
    token = csrf_of(operator.get("/admin/lockers/L2").text)
    operator.post("/admin/lockers/L2/compartments/2/out-of-service", data={"csrf": token})
    response = operator.post(
        "/admin/lockers/L2/compartments/2/open", data={"csrf": token, "reason": "just because"}
    )
    assert response.status_code == 409 and "is out of service" in response.text
    assert read(engine, select(OutboxMessage).where(OutboxMessage.type == "open")) == []
    assert (
        operator.post(
            "/admin/lockers/L2/compartments/1/open", data={"csrf": token, "reason": ""}
        ).status_code
        == 422
    )


def test_parcel_search_and_timeline(web, fleet):
    viewer = web("viewer")
    found = viewer.get("/admin/parcels", params={"code": "JJD", "locker": "L1"}).text
    assert f"/admin/parcels/{fleet.parcel_id}" in found
    assert "No parcel matches" in viewer.get("/admin/parcels", params={"code": "XYZ"}).text
    timeline = viewer.get(f"/admin/parcels/{fleet.parcel_id}").text
    assert "pre-advised" in timeline and "parcel_preadvised by system" in timeline
    assert viewer.get("/admin/parcels/not-a-uuid").status_code == 404


def test_the_kpi_page_renders_and_refuses_a_silly_window(web, fleet):
    viewer = web("viewer")
    assert "pickup rate" in viewer.get("/admin/kpis").text
    assert viewer.get("/admin/kpis", params={"days": 0}).status_code == 422


def test_htmx_is_served_from_the_cloud_itself(anonymous):
    response = anonymous.get("/admin/static/htmx.min.js")
    assert response.status_code == 200 and "Zero-Clause BSD" in response.text[:400]


def _state(engine, locker_id, number):
    [state] = read(
        engine,
        select(Compartment.state).where(
            Compartment.locker_id == locker_id, Compartment.number == number
        ),
    )
    return state


def _acknowledged(engine, alarm_id):
    [at] = read(engine, select(Alarm.acknowledged_at).where(Alarm.id == alarm_id))
    return at
