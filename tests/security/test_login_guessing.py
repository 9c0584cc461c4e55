"""Password guessing at /api/v1/auth/login (and the admin's login form), attacked: one client in
a row, 24 in parallel over real HTTP, one source spraying many accounts, many sources on one
account. Past the limit, attempts are refused (429, Retry-After) without their password being
checked: the right one too, until the lock-out ends; lock-outs grow, are audited and raise the
login_guessing alarm; a source the owner logged in from before is not locked out by strangers.
(cloud/services/login_throttle.py; on SQLite and PostgreSQL.)"""

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, col, select

from cloud.core.clock import utcnow
from cloud.models import Alarm, AuditEntry
from cloud.web.deps import get_now
from tests.conftest import TEST_PASSWORD
from tests.security.live_cloud import PASSWORD, live_cloud
from tests.support.databases import pg_schema, reachable_pg_url

LOGIN = "/api/v1/auth/login"
THREADS = 24


def attempt(client, username, password, **headers):
    return client.post(LOGIN, json={"username": username, "password": password}, headers=headers)


def audited(engine, action, subject=None):
    with Session(engine) as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        if subject is not None:
            query = query.where(AuditEntry.subject == subject)
        return list(session.exec(query).all())


def open_alarms(engine, kind="login_guessing"):
    with Session(engine) as session:
        return list(
            session.exec(
                select(Alarm).where(Alarm.kind == kind, col(Alarm.acknowledged_at).is_(None))
            ).all()
        )


class Clock:
    """The API's time (cloud/api/deps.py get_now), moved on by the test instead of slept through."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app):
    app.dependency_overrides[get_now] = clock = Clock()
    return clock


# --- one client, one account ------------------------------------------------------------------


def test_past_five_failures_even_the_right_password_is_refused_unchecked(
    anonymous, credentials, engine, clock
):
    credentials.operator("admin", "alice")
    for guess in ("123456", "password", "alice", "letmein", "qwerty"):
        assert attempt(anonymous, "alice", guess).status_code == 401
    for guess in ("dragon", "monkey", TEST_PASSWORD):
        clock.advance(10)
        refused = attempt(anonymous, "alice", guess)
        assert refused.status_code == 429, refused.text
        assert refused.json()["detail"]["code"] == "login_locked"
    assert refused.headers["Retry-After"] == "30"  # 60 s from the fifth failure
    assert len(audited(engine, "login_failed", "operator:alice")) == 5  # the refused: never checked
    [locked] = audited(engine, "login_locked", "operator:alice")
    assert '"scope":"account"' in locked.detail


def test_an_unknown_account_locks_out_like_a_real_one(anonymous, credentials):
    """A lock-out must not tell which usernames exist."""
    credentials.operator("admin", "alice")
    answers = {
        name: [attempt(anonymous, name, "wrong password %d" % n).status_code for n in range(7)]
        for name in ("alice", "nobody-here")
    }
    assert answers["alice"] == answers["nobody-here"] == [401] * 5 + [429] * 2


def test_lockouts_grow_raise_the_alarm_and_end(anonymous, credentials, engine, clock):
    credentials.operator("admin", "alice")
    for n in range(5):
        assert attempt(anonymous, "alice", "wrong %d" % n).status_code == 401
    assert not open_alarms(engine)  # one lock-out may be someone who forgot: audited only
    assert attempt(anonymous, "alice", TEST_PASSWORD).headers["Retry-After"] == "60"
    clock.advance(61)
    assert (
        attempt(anonymous, "alice", "wrong again").status_code == 401
    )  # checked: the lock had ended
    second = attempt(anonymous, "alice", TEST_PASSWORD)
    assert second.status_code == 429 and second.headers["Retry-After"] == "120"  # twice as long
    [alarm] = open_alarms(engine)
    assert alarm.locker_id is None and "alice" in alarm.detail
    assert len(audited(engine, "login_locked", "operator:alice")) == 2
    clock.advance(119)
    assert attempt(anonymous, "alice", TEST_PASSWORD).status_code == 429
    clock.advance(2)
    assert attempt(anonymous, "alice", TEST_PASSWORD).status_code == 200  # after the window
    assert (
        attempt(anonymous, "alice", "wrong once more").status_code == 401
    )  # the count was forgotten


def test_the_admin_login_form_is_throttled_alike(anonymous, credentials):
    credentials.operator("admin", "alice")

    def log_in(password):
        form = anonymous.get("/admin/login").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
        return anonymous.post(
            "/admin/login",
            follow_redirects=False,
            data={"username": "alice", "password": password, "csrf": csrf},
        )

    assert [log_in("wrong %d" % n).status_code for n in range(5)] == [401] * 5
    refused = log_in(TEST_PASSWORD)
    assert refused.status_code == 429 and "try again in" in refused.text
    assert "locker_admin=" not in refused.headers.get("set-cookie", "")


def test_guessing_the_current_password_through_a_password_change_is_throttled(
    anonymous, credentials
):
    """A stolen session must not become a way around the login's limit."""
    headers = credentials.operator("admin", "alice")
    change = {"new_password": "a brand new passphrase"}
    for n in range(5):
        response = anonymous.post(
            "/api/v1/auth/password",
            headers=headers,
            json={**change, "current_password": "guess %d" % n},
        )
        assert response.status_code == 403, response.text
    response = anonymous.post(
        "/api/v1/auth/password", headers=headers, json={**change, "current_password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert attempt(anonymous, "alice", TEST_PASSWORD).status_code == 429  # one count for both


# --- over real HTTP: in parallel, many accounts, many sources ----------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def make_cloud(request, tmp_path):
    """make_cloud(**settings): a live cloud (tests/security/live_cloud.py) on SQLite or
    PostgreSQL."""
    stack = []

    def make(**settings):
        settings.setdefault("login_lockout_s", 600)  # outlasts each test however slow the machine
        url, schema = "sqlite:///%s" % (tmp_path / ("locker%d.db" % len(stack))), nullcontext()
        if request.param == "postgresql":
            url, why = reachable_pg_url()
            if url is None:
                pytest.skip("PostgreSQL unreachable (%s); the SQLite variant still runs" % why)
            schema = pg_schema(url)
        name = schema.__enter__()
        stack.append(schema)
        cloud = live_cloud(url, name, **settings)
        stack.append(cloud)
        return cloud.__enter__()

    yield make
    for context in reversed(stack):
        context.__exit__(None, None, None)


def test_24_clients_in_parallel_get_no_more_checks_than_one(make_cloud):
    cloud = make_cloud()
    with httpx.Client(base_url=cloud.url, timeout=60) as client:

        def guess(n):
            return attempt(client, "admin-1", "parallel guess %d" % n).status_code

        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(guess, range(THREADS * 5)))
        assert answers.count(401) == 5 and answers.count(429) == THREADS * 5 - 5, sorted(answers)
        assert attempt(client, "admin-1", PASSWORD).status_code == 429
    assert len(audited(cloud.engine, "login_failed", "operator:admin-1")) == 5
    assert len(audited(cloud.engine, "login_locked", "operator:admin-1")) == 1


def test_one_source_spraying_many_accounts_is_throttled(make_cloud):
    """20 failures from one address, across accounts, lock the address out: for every account."""
    cloud = make_cloud(trusted_proxies=["127.0.0.1"])  # so X-Forwarded-For names the source
    with httpx.Client(base_url=cloud.url, timeout=60) as client:
        sprayer, other = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.2"}
        answers = [
            attempt(client, "user-%d" % n, "Summer2024!", **sprayer).status_code for n in range(25)
        ]
        assert answers == [401] * 20 + [429] * 5
        assert attempt(client, "admin-1", PASSWORD, **sprayer).status_code == 429
        assert attempt(client, "admin-1", PASSWORD, **other).status_code == 200
    [locked] = audited(cloud.engine, "login_locked", "source:203.0.113.7")
    assert len(audited(cloud.engine, "login_failed")) == 20


def test_a_forged_forwarded_for_is_no_new_source(make_cloud):
    """Without trusted proxies, X-Forwarded-For is the client's own words: ignored."""
    cloud = make_cloud()
    with httpx.Client(base_url=cloud.url, timeout=60) as client:
        answers = [
            attempt(
                client, "user-%d" % n, "Winter2024!", **{"X-Forwarded-For": "192.0.2.%d" % n}
            ).status_code
            for n in range(22)
        ]
    assert answers == [401] * 20 + [429] * 2


def test_strangers_guessing_do_not_lock_the_owner_out_where_the_owner_logs_in(make_cloud):
    """Many sources guessing one account lock it out for every source it never logged in from,
    the right password included; its owner, at an address it logged in from, gets in."""
    cloud = make_cloud(trusted_proxies=["127.0.0.1"])
    owner = {"X-Forwarded-For": "198.51.100.2"}
    with httpx.Client(base_url=cloud.url, timeout=60) as client:
        assert attempt(client, "admin-1", PASSWORD, **owner).status_code == 200
        answers = [
            attempt(
                client, "admin-1", "botnet guess %d" % n, **{"X-Forwarded-For": "192.0.2.%d" % n}
            ).status_code
            for n in range(8)
        ]
        assert answers == [401] * 5 + [429] * 3
        assert (
            attempt(client, "admin-1", PASSWORD, **{"X-Forwarded-For": "192.0.2.99"}).status_code
            == 429
        )
        assert attempt(client, "admin-1", PASSWORD, **owner).status_code == 200
