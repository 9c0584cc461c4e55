"""Text no database can hold is refused up front (422), on every route of the API and the admin.

PostgreSQL cannot hold NUL in text: such a value used to reach the database and come back as a
500 (a locker id, a query's carrier or tracking code, an audit action, a login name, a
recipient's name, the admin's parcel search or remote-open reason). SQLite stores it, so both
databases now refuse it the same way, before anything is read or written. A lone surrogate
("\\ud800" in JSON) is not Unicode text at all: no database encodes it, and FastAPI's own 422,
which echoes the input, could not render it either (a 500 on every operation with a body).

One dependency for both routers (cloud/app.py, cloud/admin/__init__.py), looking at every
place a request carries text that may reach the database: the path (and so its parameters), the
query, the cookies, and a JSON or form body. Headers are left to the HTTP server, which refuses
control characters in them."""

import json
import re

from fastapi import Request
from fastapi.exceptions import RequestValidationError

NUL = "\x00"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # json.loads pairs valid surrogates: these are lone
# The only ways either gets into valid JSON text (a raw one is not UTF-8, refused by the parser).
_ESCAPED = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_unstorable_text(request: Request) -> None:
    """FastAPI's own 422 shape, naming where the text was and what was wrong with it."""
    found = _in_url(request) or _in_cookies(request) or await _in_body(request)
    if found:
        where, text = found
        raise RequestValidationError([_problem(where, text)])


def unstorable(text: str) -> bool:
    """Whether `text` holds a character no database can store."""
    return _UNSTORABLE.search(text) is not None


def _problem(where: tuple, text: str) -> dict:
    if NUL in text:
        return {
            "type": "string_nul_character",
            "loc": where,
            "input": None,
            "msg": "text must not contain NUL (\\u0000) characters",
        }
    return {
        "type": "string_lone_surrogate",
        "loc": where,
        "input": None,
        "msg": "text must be valid Unicode: a lone surrogate (\\ud800-\\udfff) is not",
    }


def _in_url(request: Request) -> tuple | None:
    path = request.scope["path"]
    if unstorable(path):
        return ("path",), path
    for name, value in request.query_params.multi_items():
        if unstorable(name + value):
            return ("query", _printable(name)), name + value
    return None


def _in_cookies(request: Request) -> tuple | None:
    for name, value in request.cookies.items():
        if unstorable(name + value):
            return ("cookie", _printable(name)), name + value
    return None


async def _in_body(request: Request) -> tuple | None:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORMS):
        form = await request.form()  # cached by Starlette: the route's Form() fields read it again
        return next(
            (
                (("body", _printable(k)), k + v)
                for k, v in form.multi_items()
                if isinstance(v, str) and unstorable(k + v)
            ),
            None,
        )
    body = await request.body()  # cached by Starlette: the route still reads it
    if not _ESCAPED.search(body):
        return None
    try:
        text = _first_unstorable(json.loads(body))
    except ValueError:
        return None  # not JSON: FastAPI refuses it on its own
    return (("body",), text) if text is not None else None


def _first_unstorable(value) -> str | None:
    if isinstance(value, str):
        return value if unstorable(value) else None
    if isinstance(value, dict):
        value = [item for pair in value.items() for item in pair]
    if isinstance(value, list):
        return next((t for t in map(_first_unstorable, value) if t is not None), None)
    return None


def _printable(text: str) -> str:
    """`text` without what it is refused for, fit to be named in the answer."""
    return _UNSTORABLE.sub("", text)
