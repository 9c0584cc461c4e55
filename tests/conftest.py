"""Shared fixtures: real brokers, and real databases (every database test runs on SQLite and,
when reachable, on PostgreSQL)."""

import functools
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, func, select

from cloud.app import create_app
from cloud.core import passwords
from cloud.core.clock import set_session_time, utcnow
from cloud.core.config import Settings
from cloud.db import make_engine, migrate
from cloud.models import LockerCreate, Operator, ParcelCreate
from cloud.services import carriers, lockers, operator_sessions
from fleet.localhost import mosquitto_binary
from tests.support.brokers import EmbeddedBrokerHandle, MosquittoProcess
from tests.support.databases import pg_schema, reachable_pg_url
from tests.support.sms_gateway import SmsGateway

with warnings.catch_warnings():  # starlette's notice about httpx, not about our code
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime(2030, 1, 1, 12, 0, 0)
PEPPER = "test-pepper-0123456789abcdef"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[tuple[str, str]]:
    """(url, schema): a schema of its own for this test session, migrated, dropped at the end."""
    url, reason = reachable_pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL unreachable ({reason}); the SQLite variant still runs")
    with pg_schema(url) as schema:
        migrate(url, schema=schema)
        yield url, schema


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, empty database: a fresh SQLite file, or the session's PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'locker.db'}"
        migrate(url)
        engine = make_engine(url)
        yield engine
    else:
        url, schema = request.getfixturevalue("pg_database")
        engine = make_engine(url, schema=schema)
        yield engine
        _empty_all_tables(engine)
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    names = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine) as session:
        set_session_time(session, NOW)  # as the layer that opens a session in the cloud does
        yield session


@pytest.fixture
def settings(engine) -> Settings:
    return Settings(
        database_url=str(engine.url),
        pin_pepper=PEPPER,
        auth_secret="test-auth-secret-0123456789abcdef",
        login_failure_delay_s=0,
        # The "on its way" notice at pre-advice is tested on its own (tests/cloud/recipient);
        # elsewhere it would add a message to every parcel's count.
        announce_to_recipients=False,
    )


@pytest.fixture
def now() -> datetime:
    return NOW


TEST_PASSWORD = "correct horse battery staple"


@functools.cache
def _test_password_hash() -> str:
    return passwords.hash_password(TEST_PASSWORD)  # argon2 is slow on purpose: hash once


class Credentials:
    """Headers for each kind of caller, made straight in the database (no API round trip)."""

    def __init__(self, engine: Engine, settings: Settings):
        self.engine, self.settings = engine, settings
        self._headers: dict[str, dict[str, str]] = {}

    def operator(self, role: str = "admin", username: str | None = None) -> dict[str, str]:
        """`Authorization: Bearer` of an operator with `role` (made on first use)."""
        username = username or role + "-1"
        if username not in self._headers:
            with Session(self.engine) as session:
                operator = Operator(
                    username=username, password_hash=_test_password_hash(), role=role
                )
                session.add(operator)
                session.flush()
                token, _ = operator_sessions.start(
                    session, operator, utcnow(), self.settings, source="tests"
                )
                session.commit()
            self._headers[username] = {"Authorization": "Bearer " + token}
        return self._headers[username]

    def carrier(self, name: str) -> dict[str, str]:
        """`X-API-Key` of the carrier `name` (carrier and key made on first use)."""
        if "carrier:" + name not in self._headers:
            with Session(self.engine) as session:
                carrier = carriers.create_carrier(session, name, NOW, actor="system")
                _, key = carriers.issue_key(session, carrier, NOW, actor="system")
                session.commit()
            self._headers["carrier:" + name] = {"X-API-Key": key}
        return self._headers["carrier:" + name]


@pytest.fixture
def credentials(engine, settings) -> Credentials:
    return Credentials(engine, settings)


@pytest.fixture
def app(engine, settings):
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app, credentials) -> Iterator[TestClient]:
    """The API as an admin (pass other headers per request to be someone else)."""
    with TestClient(app, headers=credentials.operator("admin")) as client:
        yield client


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:
    """The API without credentials."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def make_locker(session, settings) -> Callable[..., tuple]:
    """Provision a locker with compartments of the given sizes (numbered 1, 2, ...)."""

    def make(locker_id: str = "L1", sizes: str = "SML", now: datetime = NOW):
        data = LockerCreate(
            id=locker_id,
            name=f"Locker {locker_id}",
            address="1 Main St",
            compartments=[{"number": n, "size": s} for n, s in enumerate(sizes, 1)],
        )
        locker, key = lockers.provision_locker(session, data, now, settings=settings)
        session.flush()
        return locker, key

    return make


@pytest.fixture
def parcel_data() -> Callable[..., ParcelCreate]:
    """A valid pre-advice, with any field overridden."""

    def make(**overrides) -> ParcelCreate:
        fields = {
            "carrier": "DHL",
            "tracking_code": "JJD0001",
            "locker_id": "L1",
            "width_mm": 300,
            "height_mm": 80,
            "depth_mm": 500,
            "recipient": {"name": "Ada Lovelace", "phone": "+441234567890", "email": None},
        }
        return ParcelCreate(**{**fields, **overrides})

    return make


@pytest.fixture
def row_counts(engine) -> Callable[[], dict[str, int]]:
    """The number of rows of every table, read in a session of its own."""

    def counts() -> dict[str, int]:
        with Session(engine) as session:
            return {
                table.name: session.exec(select(func.count()).select_from(table)).one()
                for table in SQLModel.metadata.sorted_tables
            }

    return counts


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory):
    """A real Mosquitto on a free port, started from the binary with the project's config."""
    if mosquitto_binary() is None:
        pytest.fail("mosquitto is not installed: run `make test`, which installs it")
    broker = MosquittoProcess(tmp_path_factory.mktemp("mosquitto")).start()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def embedded_broker():
    broker = EmbeddedBrokerHandle().start()
    yield broker
    broker.stop()


@pytest.fixture(params=["mosquitto", "embedded"])
def broker(request):
    """Each end-to-end test runs once against Mosquitto and once against the embedded broker."""
    return request.getfixturevalue(
        "mosquitto" if request.param == "mosquitto" else "embedded_broker"
    )


@pytest.fixture
def sms_gateway() -> Iterator[SmsGateway]:
    """A real HTTP SMS gateway on 127.0.0.1 (tests/support/sms_gateway.py)."""
    gateway = SmsGateway()
    yield gateway
    gateway.close()
