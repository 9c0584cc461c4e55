"""A token that outlives its login, attacked: after logout (API or admin) the token is refused as
a bearer token and as the admin's cookie alike; a password change ends every other session of
the operator; a deactivated operator's sessions are refused.
(cloud/services/operator_sessions.py)"""

import re

from sqlmodel import Session, select

from cloud.admin.auth import SESSION_COOKIE
from cloud.models import Operator
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "a brand new passphrase"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def log_in(client, username="alice", password=TEST_PASSWORD):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": "Bearer " + response.json()["access_token"]}


def admin_log_in(client, username="alice", password=TEST_PASSWORD):
    """Log in through the admin's form; the session cookie's token."""
    csrf = CSRF.search(client.get("/admin/login").text).group(1)
    response = client.post(
        "/admin/login",
        follow_redirects=False,
        data={"username": username, "password": password, "csrf": csrf},
    )
    assert response.status_code == 303, response.text
    return client.cookies[SESSION_COOKIE]


def works(client, headers):
    return client.get("/api/v1/lockers", headers=headers).status_code == 200


def admin_page(client, token):
    """The admin's fleet page's status with `token` as the session cookie (303: to the login)."""
    client.cookies.set(SESSION_COOKIE, token)
    return client.get("/admin", follow_redirects=False).status_code


def bearer(token):
    return {"Authorization": "Bearer " + token}


def test_after_logout_the_token_is_refused(anonymous, credentials, engine):
    credentials.operator("admin", "alice")
    token, other = log_in(anonymous), log_in(anonymous)
    assert works(anonymous, token)
    assert anonymous.post("/api/v1/auth/logout", headers=token).status_code == 204
    assert anonymous.get("/api/v1/lockers", headers=token).status_code == 401
    assert admin_page(anonymous, token["Authorization"].removeprefix("Bearer ")) == 303
    assert anonymous.post("/api/v1/auth/logout", headers=token).status_code == 401
    assert works(anonymous, other)  # logout ends that session only


def test_after_the_admins_logout_its_cookie_is_refused_everywhere(anonymous, credentials):
    credentials.operator("admin", "alice")
    cookie = admin_log_in(anonymous)
    page = anonymous.get("/admin")
    assert page.status_code == 200
    response = anonymous.post(
        "/admin/logout", follow_redirects=False, data={"csrf": CSRF.search(page.text).group(1)}
    )
    assert response.status_code == 303
    assert admin_page(anonymous, cookie) == 303  # a copy of the cookie, kept by the attacker
    assert anonymous.get("/api/v1/lockers", headers=bearer(cookie)).status_code == 401


def test_a_password_change_ends_every_other_session(anonymous, credentials):
    credentials.operator("admin", "alice")
    mine, stolen = log_in(anonymous), log_in(anonymous)
    cookie = admin_log_in(anonymous)
    response = anonymous.post(
        "/api/v1/auth/password",
        headers=mine,
        json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204, response.text
    assert works(anonymous, mine)
    assert anonymous.get("/api/v1/lockers", headers=stolen).status_code == 401
    assert admin_page(anonymous, cookie) == 303
    old = anonymous.post(
        "/api/v1/auth/login", json={"username": "alice", "password": TEST_PASSWORD}
    )
    assert old.status_code == 401
    assert works(anonymous, log_in(anonymous, password=NEW_PASSWORD))


def test_a_password_change_in_the_admin_ends_every_other_session(anonymous, credentials):
    credentials.operator("viewer", "alice")  # any role may change its own password
    stolen = log_in(anonymous)
    cookie = admin_log_in(anonymous)
    form = anonymous.get("/admin/password")
    response = anonymous.post(
        "/admin/password",
        data={
            "csrf": CSRF.search(form.text).group(1),
            "current": TEST_PASSWORD,
            "new": NEW_PASSWORD,
            "repeated": NEW_PASSWORD,
        },
    )
    # the stolen one, and the one tests/conftest.py's credentials made
    assert response.status_code == 200 and "2 other sessions ended" in response.text
    assert admin_page(anonymous, cookie) == 200
    assert anonymous.get("/api/v1/lockers", headers=stolen).status_code == 401
    log_in(anonymous, password=NEW_PASSWORD)


def test_a_password_change_wants_the_current_password_and_a_strong_new_one(
    anonymous, credentials, engine
):
    headers = credentials.operator("admin", "alice")

    def password_hash():
        with Session(engine) as session:
            return session.exec(
                select(Operator.password_hash).where(Operator.username == "alice")
            ).one()

    before = password_hash()
    for body, status, code in [
        (
            {"current_password": "not it at all", "new_password": NEW_PASSWORD},
            403,
            "wrong_password",
        ),
        ({"current_password": TEST_PASSWORD, "new_password": "short"}, 422, "weak_password"),
        (
            {"current_password": TEST_PASSWORD, "new_password": "alice-is-my-name"},
            422,
            "weak_password",
        ),
    ]:
        response = anonymous.post("/api/v1/auth/password", headers=headers, json=body)
        assert (response.status_code, response.json()["detail"]["code"]) == (status, code)
    assert (
        anonymous.post(
            "/api/v1/auth/password",
            json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
        ).status_code
        == 401
    )
    assert password_hash() == before
    assert works(anonymous, headers)


def test_a_deactivated_operators_sessions_are_refused(anonymous, credentials, engine):
    credentials.operator("admin", "alice")
    token = log_in(anonymous)
    with Session(engine) as session:
        session.exec(select(Operator).where(Operator.username == "alice")).one().active = False
        session.commit()
    assert anonymous.get("/api/v1/lockers", headers=token).status_code == 401
