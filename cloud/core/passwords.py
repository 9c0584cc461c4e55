"""Operator passwords: argon2id hashes (argon2-cffi), and what counts as too weak."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
_COMMON = {
    "password",
    "passwort",
    "123456789012",
    "qwertyuiopas",
    "administrator",
    "changeme",
    "letmein",
    "welcome",
}

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so a miss costs what a wrong password costs.
_DUMMY_HASH = _hasher.hash("not the password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an unknown user (None) takes the same time and fails."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def weakness(password: str, username: str = "") -> str | None:
    """Why `password` is refused, or None if it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    lowered = password.lower()
    if lowered in _COMMON or any(lowered.startswith(word) for word in ("password", "changeme")):
        return "that password is too common"
    if username and username.lower() in lowered:
        return "a password must not contain the username"
    if len(set(password)) < 5:
        return "a password needs more than a few distinct characters"
    return None
