"""Domain errors as JSON: {"detail": {"code": ..., "message": ...}} with a fitting status."""
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from cloud.services.errors import Conflict, DomainError, Invalid, NotFound, RateLimited
from cloud.services.operators import LoginFailed

_STATUS = {NotFound: 404, Conflict: 409, Invalid: 422, LoginFailed: 401, RateLimited: 429}


def install_error_handlers(app: FastAPI) -> None:
    """Map every DomainError raised by a service to its HTTP answer."""
    app.add_exception_handler(DomainError, _domain_error)


async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
    status = next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 400)
    detail = {"code": error.code, "message": error.message}
    headers = None
    if isinstance(error, RateLimited):
        detail["retry_after_s"] = error.retry_after_s
        headers = {"Retry-After": str(error.retry_after_s)}
    return JSONResponse(status_code=status, content={"detail": detail}, headers=headers)
