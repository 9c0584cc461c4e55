"""One Settings object, read from LOCKER_* environment variables."""
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_PIN_PEPPER = "dev-pepper-not-a-secret"  # development only; production refuses it
MIN_PEPPER_LENGTH = 16
_PLACEHOLDERS = {"changeme", "change-me", "change_me", "secret", "pepper", "placeholder", "xxx"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOCKER_", extra="ignore")

    database_url: str = "sqlite:///./locker.db"
    environment: Literal["development", "production"] = "development"
    pin_pepper: SecretStr | None = None  # key of the HMAC over PINs and courier codes
    pin_length: int = Field(default=6, ge=4, le=12)
    pickup_hours: int = Field(default=72, ge=1, le=24 * 60)
    command_ttl_s: int = Field(default=600, ge=10)  # `ack` and `open`: now or never
    # `reserve`, `revoke` and `couriers` describe state the board must reach even if it is
    # away for days: they wait in its broker session and must not expire there.
    sync_command_ttl_s: int = Field(default=7 * 24 * 3600, ge=10)

    @model_validator(mode="after")
    def _require_real_pepper(self) -> "Settings":
        if self.environment == "production":
            _refuse_placeholder(self.pin_pepper)
        elif not self.pin_pepper or not self.pin_pepper.get_secret_value():
            self.pin_pepper = SecretStr(DEV_PIN_PEPPER)
        return self

    @property
    def pepper(self) -> bytes:
        """The pin_pepper as the bytes of an HMAC key."""
        return self.pin_pepper.get_secret_value().encode()


def _refuse_placeholder(pepper: SecretStr | None) -> None:
    value = pepper.get_secret_value() if pepper else ""
    hint = ("set LOCKER_PIN_PEPPER to a long random value, "
            "e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`")
    if not value:
        raise ValueError("LOCKER_PIN_PEPPER is missing in production: " + hint)
    if value.lower() in _PLACEHOLDERS or value.lower().startswith("dev"):
        raise ValueError("LOCKER_PIN_PEPPER is a placeholder in production: " + hint)
    if len(value) < MIN_PEPPER_LENGTH:
        raise ValueError(f"LOCKER_PIN_PEPPER is shorter than {MIN_PEPPER_LENGTH} characters: " + hint)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
