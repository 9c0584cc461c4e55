"""Domain errors as JSON: {"detail": {"code": ..., "message": ...}} with a fitting status; and
FastAPI's own 422 for a malformed request, rendered so that any input it echoes can be sent."""

import re

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from cloud.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited
from cloud.services.operators import LoginFailed

_STATUS = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    LoginFailed: 401,
    RateLimited: 429,
    Forbidden: 403,
}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # UTF-8 has no encoding for one


def install_error_handlers(app: FastAPI) -> None:
    """Map every DomainError raised by a service to its HTTP answer."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)


def status_of(error: DomainError) -> int:
    """The HTTP status a refusal is answered with (the admin's pages answer alike)."""
    return next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 400)


async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
    status = status_of(error)
    detail = {"code": error.code, "message": error.message}
    headers = None
    if isinstance(error, RateLimited):
        detail["retry_after_s"] = error.retry_after_s
        headers = {"Retry-After": str(error.retry_after_s)}
    return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)


async def _invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's answer, but a lone surrogate in the echoed input (from JSON's "\\ud800") is
    replaced by U+FFFD: rendering it used to fail and turn every such 422 into a 500."""
    return JSONResponse(
        status_code=422, content={"detail": _sendable(jsonable_encoder(error.errors()))}
    )


def _sendable(value):
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_sendable(k): _sendable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sendable(v) for v in value]
    return value
