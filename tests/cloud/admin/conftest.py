"""Admin fixtures: a small fleet in the database and browsers-without-a-browser (TestClient)
logged in as an operator of a given role, with the CSRF token their pages carry."""

import re
import warnings

import pytest
from sqlmodel import Session

from cloud.admin.auth import SESSION_COOKIE
from cloud.services import alarms, lockers, parcels

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def read(engine, query):
    """The rows of `query`, read in a session of its own (and let go at once)."""
    with Session(engine) as session:
        return list(session.exec(query).all())


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    return CSRF_FIELD.search(html).group(1)


class Fleet:
    """Two lockers, a reserved parcel in L1 and an open tamper alarm on L1 door 2."""

    def __init__(self, session, make_locker, parcel_data, settings, now):
        make_locker("L1", "SML")
        make_locker("L2", "SS")
        parcel = parcels.preadvise(session, parcel_data(), now, settings=settings)
        alarm = alarms.raise_alarm(session, "L1", "tamper", "door 2 forced", now, 2)
        session.flush()
        # Plain values: touching a committed object would open a transaction, and SQLite's
        # BEGIN IMMEDIATE (cloud/db.py) would then lock the app's requests out.
        self.parcel_id, self.alarm_id = parcel.id, alarm.id
        self.parcel_compartment = next(
            c.number
            for c in lockers.compartments_of(session, "L1")
            if c.id == parcel.compartment_id
        )
        session.commit()
        session.close()


@pytest.fixture
def fleet(session, make_locker, parcel_data, settings, now) -> Fleet:
    return Fleet(session, make_locker, parcel_data, settings, now)


@pytest.fixture
def web(app, credentials):
    """web(role, username=None) -> a TestClient with that operator's session cookie (not
    following redirects)."""
    clients = []

    def make(role: str = "operator", username: str | None = None) -> TestClient:
        token = credentials.operator(role, username)["Authorization"].removeprefix("Bearer ")
        client = TestClient(app, follow_redirects=False)
        client.__enter__()
        client.cookies.set(SESSION_COOKIE, token)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def live_cloud(tmp_path_factory):
    """A cloud served by uvicorn on a free port, over a SQLite file of its own."""
    from tests.cloud.admin.live import LiveCloud

    cloud = LiveCloud(tmp_path_factory.mktemp("admin")).start()
    yield cloud
    cloud.stop()
