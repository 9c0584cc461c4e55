"""Domain errors: what a caller did wrong, in words an API client or an operator can act on."""


class DomainError(Exception):
    """A refusal with a stable machine-readable code and a human message."""

    # True once the refusal itself is on record in the session (the door-release ledger, its
    # audit entry, an alarm it raised): the caller commits the session instead of rolling back.
    on_record = False

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class NotFound(DomainError):
    """The thing named does not exist (HTTP 404)."""

    def __init__(self, what: str, key: object):
        super().__init__(f"{what}_not_found", f"{what} {key} not found")


class Conflict(DomainError):
    """The request clashes with the current state (HTTP 409)."""


class RateLimited(DomainError):
    """Too many of these in too short a time (HTTP 429, with Retry-After)."""

    def __init__(self, code: str, message: str, retry_after_s: int):
        super().__init__(code, message)
        self.retry_after_s = max(1, retry_after_s)


class Invalid(DomainError):
    """The request is malformed in a way the API's schema could not see (HTTP 422)."""


class Forbidden(DomainError):
    """The caller is known but may not do this (HTTP 403)."""
