"""A NUL character anywhere in a request is refused up front (422), for every route under /api/v1.

PostgreSQL cannot hold NUL in text: such a value used to reach the database and come back as a
500 (a locker id, a query's carrier or tracking code, an audit action, a login name, a
recipient's name). SQLite stores it, so both databases now refuse it the same way, before
anything is read or written."""
import json

from fastapi import Request
from fastapi.exceptions import RequestValidationError

NUL = "\x00"


async def refuse_nul_characters(request: Request) -> None:
    """FastAPI's own 422 shape, naming where the NUL was."""
    where = _nul_in_url(request) or await _nul_in_body(request)
    if where:
        raise RequestValidationError([{"type": "string_nul_character", "loc": where,
                                       "msg": "text must not contain NUL (\\u0000) characters",
                                       "input": None}])


def _nul_in_url(request: Request) -> tuple | None:
    if NUL in request.url.path:
        return ("path",)
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            return ("query", name.replace(NUL, ""))
    return None


async def _nul_in_body(request: Request) -> tuple | None:
    body = await request.body()  # cached by Starlette: the route still reads it
    if b"\\u0000" not in body:  # the only way a NUL gets into valid JSON text
        return None
    try:
        return ("body",) if _holds_nul(json.loads(body)) else None
    except ValueError:
        return None  # not JSON: FastAPI refuses it on its own


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False
