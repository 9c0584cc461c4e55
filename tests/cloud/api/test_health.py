from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.core.config import Settings
from cloud.db import make_engine


def test_healthz_reports_the_database_ok(anonymous):
    response = anonymous.get("/healthz")  # open: load balancers carry no credentials
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    broken = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    app = create_app(Settings(pin_pepper="test-pepper-0123456789"), engine=broken)
    response = TestClient(app).get("/healthz")  # no lifespan: the migration would fail first
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_the_app_migrates_its_own_database_on_startup(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/lockers").status_code == 401  # the route's table exists
        assert (
            client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}).status_code
            == 401
        )
