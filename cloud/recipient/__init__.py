"""The recipient's self-service page (/r/<token>), reached by the link in every pickup notice:
the parcel's status and timeline, its QR code, a fresh PIN on request, one extension and a
delegate. Server-rendered, no script, no front-end build; cloud/app.py mounts it."""

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from cloud.recipient import pages
from cloud.web.text_guard import refuse_unstorable_text

STATIC = Path(__file__).parent / "static"


def mount_recipient(app: FastAPI) -> None:
    """The page and its stylesheet; out of the API's schema (it is no API)."""
    app.include_router(pages.router, dependencies=[Depends(refuse_unstorable_text)])
    app.mount("/r-static", StaticFiles(directory=STATIC), name="recipient-static")
