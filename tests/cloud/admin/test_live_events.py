"""/admin/events over real HTTP: a `change` event at once, and another when a locker's link
changes (the browser test shows the same on screen)."""

import json

import httpx

from cloud.admin.auth import SESSION_COOKIE


def _login(cloud, username):
    cloud.add_operator(username, "viewer")
    response = httpx.post(
        cloud.url + "/api/v1/auth/login",
        timeout=30,
        json={"username": username, "password": cloud.password},
    )
    return response.json()["access_token"]


def _changes(lines):
    for line in lines:
        if line.startswith("data: "):
            yield json.loads(line[len("data: ") :])


def test_the_stream_reports_a_locker_going_offline(live_cloud):
    live_cloud.add_locker("EV-1", "SM")
    live_cloud.set_online("EV-1", True)
    token = _login(live_cloud, "events-viewer")
    with httpx.Client(
        base_url=live_cloud.url, timeout=60, cookies={SESSION_COOKIE: token}
    ) as client:
        with client.stream("GET", "/admin/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            changes = _changes(stream.iter_lines())
            first = next(changes)
            assert "EV-1" not in first["offline"]
            live_cloud.set_online("EV-1", False)
            assert "EV-1" in next(changes)["offline"]


def test_the_stream_needs_a_session(live_cloud):
    response = httpx.get(live_cloud.url + "/admin/events", timeout=30)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"


def test_an_unchanged_picture_goes_out_again_so_a_missed_update_is_repaired(
    live_cloud, monkeypatch
):
    from cloud.admin import events

    monkeypatch.setattr(events, "RESEND_S", 0.5)
    token = _login(live_cloud, "events-resend")
    with httpx.Client(
        base_url=live_cloud.url, timeout=60, cookies={SESSION_COOKIE: token}
    ) as client:
        with client.stream("GET", "/admin/events") as stream:
            changes = _changes(stream.iter_lines())
            first, again = next(changes), next(changes)  # nothing changed in between
            assert again["version"] == first["version"]
