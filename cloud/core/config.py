"""One Settings object, read from LOCKER_* environment variables."""

import ipaddress
import re
import secrets
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_PIN_PEPPER = "dev-pepper-not-a-secret"  # development only; production refuses it
MIN_PEPPER_LENGTH = 16
_PLACEHOLDERS = {"changeme", "change-me", "change_me", "secret", "pepper", "placeholder", "xxx"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOCKER_", extra="ignore")

    database_url: str = "sqlite:///./locker.db"
    environment: Literal["development", "production"] = "development"
    pin_pepper: SecretStr | None = None  # key of the HMAC over PINs and courier codes
    # the shortest PIN; below wire.COURIER_CODE_MIN (10), the courier codes' own lengths
    pin_length: int = Field(default=6, ge=4, le=9)
    pickup_hours: int = Field(default=72, ge=1, le=24 * 60)
    command_ttl_s: int = Field(default=600, ge=10)  # `ack` and `open`: now or never
    # `reserve`, `revoke` and `couriers` describe state the board must reach even if it is
    # away for days: they wait in its broker session and must not expire there.
    sync_command_ttl_s: int = Field(default=7 * 24 * 3600, ge=10)
    # Key of the HMAC that signs operator bearer tokens. Development without one gets a random
    # key per process (tokens die with it), never a well-known one.
    auth_secret: SecretStr | None = None
    token_ttl_s: int = Field(default=8 * 3600, ge=60)  # an operator's shift
    login_failure_delay_s: float = Field(default=0.5, ge=0)  # slows password guessing
    # The door-release budget (cloud/services/door_budget.py): remote opens, delegations by an
    # operator, redirects and reissued PINs share these (the names predate the sharing), so a
    # stolen login opens a handful of doors by any path, not a city's; an actor past its limit,
    # or a fleet-wide burst, stops them all until an admin has looked.
    remote_open_per_locker: int = Field(default=3, ge=1)
    remote_open_per_operator: int = Field(default=10, ge=1)  # per actor: operator, carrier, ...
    remote_open_window_s: int = Field(default=3600, ge=1)
    remote_open_burst: int = Field(default=20, ge=1)
    remote_open_burst_window_s: int = Field(default=300, ge=1)
    # One delegate phone or email across the fleet (cloud/services/delegate_contacts.py): given
    # for more than delegate_contact_flag parcels in the window it raises an alarm, for more
    # than delegate_contact_limit it is refused.
    delegate_contact_flag: int = Field(default=3, ge=1)
    delegate_contact_limit: int = Field(default=10, ge=1)
    delegate_contact_window_s: int = Field(default=7 * 24 * 3600, ge=1)
    # Couriers' collections are the system's own and never refused (the board opened the door
    # already), but more than these raise the door-release burst alarm: per courier in
    # remote_open_window_s, across the fleet in remote_open_burst_window_s.
    collection_per_courier: int = Field(default=60, ge=1)
    collection_burst: int = Field(default=300, ge=1)
    # Recipients' contact data is cleared this long after a parcel's life ended
    # (cloud/services/purge.py).
    contact_retention_days: int = Field(default=30, ge=1)
    # Life of a parcel (cloud/services/lifecycle.py): a reservation no courier filled lapses
    # after reservation_hours; a recipient may push the pickup deadline once by extension_hours.
    reservation_hours: int = Field(default=48, ge=1, le=24 * 60)
    extension_hours: int = Field(default=48, ge=1, le=24 * 14)
    # Email (cloud/notify/smtp.py); without a host, emails are only logged.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "parcels@localhost"
    smtp_starttls: bool = True
    # SMS over an HTTP provider (cloud/notify/sms.py); without a URL, SMS are only logged.
    sms_url: str | None = None
    sms_token: SecretStr | None = None
    # Signs the gateway's delivery receipts (cloud/api/routes/sms_receipts.py); without it the
    # receipts endpoint is off.
    sms_receipt_secret: SecretStr | None = None
    # Where recipients' links (their page, /r/<token>) point: the public address of this API.
    public_url: str = "http://localhost:8000"
    # Tell the recipient at pre-advice that the parcel is on its way, with the link to its page:
    # without it they cannot redirect or hold it before the deposit. Off only where a carrier
    # sends that message itself (it cannot carry the link: a carrier never holds it).
    announce_to_recipients: bool = True
    # Carriers' webhooks go only to public addresses (cloud/notify/targets.py). For an
    # on-premise carrier, a comma-separated list of host names (exact) and networks (CIDR, or
    # one address) that may be private, e.g. "hooks.dhl.internal,10.20.0.0/16".
    webhook_allow_private_hosts: Annotated[list[str], NoDecode] = []

    @field_validator("webhook_allow_private_hosts", mode="before")
    @classmethod
    def _split_allow_list(cls, value: object) -> object:
        entries = _comma_list(value)
        for entry in entries if isinstance(entries, list) else ():
            _check_allow_entry(entry)
        return entries

    # Login guessing (cloud/services/login_throttle.py): this many failed password checks of an
    # account (or from one source, across accounts) lock it out for login_lockout_s, each
    # further failure for twice as long up to the cap; login_quiet_s without any forgets them.
    # An account is counted apart at sources it logged in from in the last trusted days.
    login_lockout_after: int = Field(default=5, ge=1)
    login_source_lockout_after: int = Field(default=20, ge=1)
    login_lockout_s: int = Field(default=60, ge=1)
    login_lockout_max_s: int = Field(default=900, ge=1)
    login_source_lockout_max_s: int = Field(default=3600, ge=1)
    login_quiet_s: int = Field(default=3600, ge=1)
    login_trusted_source_days: int = Field(default=30, ge=0)
    login_alarm_lockouts: int = Field(default=2, ge=1)  # the lock-out of a streak that alarms
    # Route planning (cloud/planning). Travel: great-circle times this circuity, unless an
    # OSRM-compatible table service is named (e.g. http://127.0.0.1:5000).
    routing_circuity: float = Field(default=1.3, ge=1.0, le=3.0)
    routing_osrm_url: str | None = None
    routing_wave_seconds: float = Field(default=10.0, gt=0, le=600)  # solver budget at a cut-off
    # A plan whose parcel was redirected or held re-plans itself (cloud/planning/follow.py): at
    # most once every plan_follow_minutes per depot's plan, on this solver budget.
    plan_follow_minutes: int = Field(default=5, ge=1, le=24 * 60)
    plan_follow_seconds: float = Field(default=2.0, gt=0, le=120)
    # The doorstep comparison: first-attempt failures at the door, and how far from its locker
    # a recipient lives when the parcel names no delivery point.
    doorstep_failure_rate: float = Field(default=0.12, ge=0.0, le=1.0)
    doorstep_radius_m: float = Field(default=1000.0, gt=0, le=50_000)
    # How far a recipient is asked to walk to a locker: a pre-advice by address, or a redirect
    # away from a full locker, picks only lockers this close (cloud/services/locker_finder.py).
    walk_max_m: float = Field(default=1500.0, gt=0, le=50_000)
    # A postcode the table does not know is asked of this Nominatim server (its base URL, e.g.
    # https://nominatim.openstreetmap.org); off by default (cloud/services/geocoder.py).
    geocoder_url: str | None = None
    geocoder_user_agent: str | None = None  # Nominatim's policy: name the app and a contact
    # On-call paging (cloud/services/pager.py): the next person is paged when a page is not
    # acknowledged within page_ack_minutes; a board offline pages after page_offline_minutes.
    page_ack_minutes: int = Field(default=15, ge=1, le=24 * 60)
    page_offline_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    # Reverse proxies whose X-Forwarded-For names the client, comma-separated addresses or
    # networks ("10.0.0.5,fd00::/64"); without any, the socket's peer is the client
    # (cloud/web/client_source.py).
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = []

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        return _comma_list(value)

    @model_validator(mode="after")
    def _require_real_secrets(self) -> "Settings":
        if self.environment == "production":
            _refuse_placeholder(self.pin_pepper, "LOCKER_PIN_PEPPER")
            _refuse_placeholder(self.auth_secret, "LOCKER_AUTH_SECRET")
            if self.sms_receipt_secret is not None:  # optional, but a real one if set
                _refuse_placeholder(self.sms_receipt_secret, "LOCKER_SMS_RECEIPT_SECRET")
            return self
        if not self.pin_pepper or not self.pin_pepper.get_secret_value():
            self.pin_pepper = SecretStr(DEV_PIN_PEPPER)
        if not self.auth_secret or not self.auth_secret.get_secret_value():
            self.auth_secret = SecretStr(secrets.token_hex(32))
        return self

    @property
    def pepper(self) -> bytes:
        """The pin_pepper as the bytes of an HMAC key."""
        return self.pin_pepper.get_secret_value().encode()

    @property
    def token_key(self) -> bytes:
        """The auth_secret as the bytes of the HMAC key that signs bearer tokens."""
        return self.auth_secret.get_secret_value().encode()


def _comma_list(value: object) -> object:
    """A list setting from the environment: comma-separated, blanks dropped (a list as is)."""
    entries = value.split(",") if isinstance(value, str) else value
    if not isinstance(entries, list):
        return entries  # pydantic refuses it with its own message
    return [
        entry.strip() if isinstance(entry, str) else entry
        for entry in entries
        if not isinstance(entry, str) or entry.strip()
    ]


def _check_allow_entry(entry: str) -> None:
    try:
        ipaddress.ip_network(entry, strict=False)
    except ValueError:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", entry):
            raise ValueError(
                f"LOCKER_WEBHOOK_ALLOW_PRIVATE_HOSTS: {entry!r} is neither a host "
                "name nor a network (10.20.0.0/16)"
            ) from None


def _refuse_placeholder(secret: SecretStr | None, name: str) -> None:
    value = secret.get_secret_value() if secret else ""
    hint = (
        f"set {name} to a long random value, "
        "e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`"
    )
    if not value:
        raise ValueError(f"{name} is missing in production: " + hint)
    if value.lower() in _PLACEHOLDERS or value.lower().startswith("dev"):
        raise ValueError(f"{name} is a placeholder in production: " + hint)
    if len(value) < MIN_PEPPER_LENGTH:
        raise ValueError(f"{name} is shorter than {MIN_PEPPER_LENGTH} characters: " + hint)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
