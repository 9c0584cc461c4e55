import pytest
from cryptography.exceptions import InvalidTag

from cloud.core import security
from cloud.core.clock import from_ms, to_ms, utcnow


def test_pin_hash_depends_on_pepper_locker_and_pin():
    base = security.pin_hash(b"p", "L1", "123456")
    assert len(base) == 64 and "123456" not in base
    assert base == security.pin_hash(b"p", "L1", "123456")
    assert base != security.pin_hash(b"q", "L1", "123456")
    assert base != security.pin_hash(b"p", "L2", "123456")
    assert base != security.pin_hash(b"p", "L1", "123457")


def test_seal_round_trips_and_refuses_another_pepper():
    token = security.seal(b"pepper", "4711")
    assert "4711" not in token and token != security.seal(b"pepper", "4711")  # fresh nonce
    assert security.unseal(b"pepper", token) == "4711"
    with pytest.raises(InvalidTag):
        security.unseal(b"other", token)


def test_a_seal_opens_only_for_its_purpose():
    pin = security.seal(b"pepper", "123456", security.PIN_SEAL)
    assert security.unseal(b"pepper", pin, security.PIN_SEAL) == "123456"
    with pytest.raises(InvalidTag):
        security.unseal(b"pepper", pin)  # the courier codes' purpose
    with pytest.raises(InvalidTag):
        security.unseal(b"pepper", security.seal(b"pepper", "4711"), security.PIN_SEAL)


def test_ms_round_trip_and_naive_utc():
    now = utcnow()
    assert now.tzinfo is None
    assert abs(from_ms(to_ms(now)) - now).total_seconds() < 0.001
    assert to_ms(from_ms(1_700_000_000_123)) == 1_700_000_000_123
