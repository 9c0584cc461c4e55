import os

import pytest
from pydantic import ValidationError

from cloud.core.config import DEV_PIN_PEPPER, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("LOCKER_")]:
        monkeypatch.delenv(name)


def test_development_defaults_to_the_dev_pepper_and_sqlite():
    settings = Settings()
    assert settings.database_url == "sqlite:///./locker.db"
    assert settings.pepper == DEV_PIN_PEPPER.encode()
    assert (settings.pin_length, settings.pickup_hours, settings.command_ttl_s) == (6, 72, 600)


def test_reads_locker_prefixed_environment(monkeypatch):
    monkeypatch.setenv("LOCKER_DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("LOCKER_PIN_LENGTH", "8")
    settings = Settings()
    assert settings.database_url == "postgresql://db/x" and settings.pin_length == 8


@pytest.mark.parametrize(
    "pepper",
    [None, "", "changeme", "CHANGEME", "dev-pepper-not-a-secret", "dev123456789abcdefgh", "short"],
)
def test_production_refuses_a_missing_or_placeholder_pepper(pepper):
    with pytest.raises(ValidationError, match="LOCKER_PIN_PEPPER"):
        Settings(environment="production", pin_pepper=pepper)


def test_production_accepts_a_real_pepper_and_hides_it():
    settings = Settings(
        environment="production",
        pin_pepper="9f2c4e1a7b3d5f608e2a4c6b8d0f1a3c",
        auth_secret=AUTH_SECRET,
    )
    assert settings.pepper == b"9f2c4e1a7b3d5f608e2a4c6b8d0f1a3c"
    assert "9f2c4e1a" not in repr(settings) and AUTH_SECRET not in repr(settings)


AUTH_SECRET = "5b1e9d7c3a2f4e6081b3d5f7a9c0e2d4"


@pytest.mark.parametrize(
    "secret", [None, "", "changeme", "secret", "dev-auth-secret-xxxxxxxx", "short"]
)
def test_production_refuses_a_missing_or_placeholder_auth_secret(secret):
    with pytest.raises(ValidationError, match="LOCKER_AUTH_SECRET"):
        Settings(
            environment="production",
            pin_pepper="9f2c4e1a7b3d5f608e2a4c6b8d0f1a3c",
            auth_secret=secret,
        )


def test_development_without_an_auth_secret_gets_a_random_one_never_a_known_one():
    first, second = Settings(), Settings()
    assert len(first.token_key) >= 32 and first.token_key != second.token_key


def test_refuses_an_unknown_environment():
    with pytest.raises(ValidationError):
        Settings(environment="staging")
