"""An alarm about no one locker (login_guessing) in the admin and the API: listed, with no
locker link, acknowledged like any other; the fleet page and the live snapshot take it too."""

from cloud.services import alarms
from cloud.services.login_throttle import LOGIN_GUESSING
from tests.cloud.admin.conftest import csrf_of


def test_a_login_guessing_alarm_is_shown_and_acknowledged(web, fleet, session, now, client):
    alarm = alarms.raise_fleet_alarm(session, LOGIN_GUESSING, "6 failed logins of account 'x'", now)
    again = alarms.raise_fleet_alarm(session, LOGIN_GUESSING, "7 failed logins of account 'x'", now)
    alarm_id = alarm.id
    assert again.id == alarm_id and again.count == 2
    session.commit()
    session.close()
    operator = web("operator")
    page = operator.get("/admin/alarms")
    assert page.status_code == 200 and "7 failed logins" in page.text
    assert 'href="/admin/lockers/None"' not in page.text
    assert operator.get("/admin").status_code == 200
    listed = client.get("/api/v1/alarms", params={"open": True}).json()
    assert {"kind": LOGIN_GUESSING, "locker_id": None} in [
        {"kind": a["kind"], "locker_id": a["locker_id"]} for a in listed
    ]
    response = operator.post(
        f"/admin/alarms/{alarm_id}/acknowledge", data={"csrf": csrf_of(page.text)}
    )
    assert response.status_code == 303
    assert "7 failed logins" not in operator.get("/admin/alarms").text
