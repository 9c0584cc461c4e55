"""Jinja2 templates (autoescaped) and the one way pages are rendered."""

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from cloud.admin.auth import AdminUser
from cloud.admin.route_map import local_clock

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f} %"


templates.env.filters["when"] = _when
templates.env.filters["percent"] = _percent
templates.env.filters["clock"] = local_clock  # a UTC moment as the depot's time of day


def page(
    request: Request, user: AdminUser | None, name: str, status_code: int = 200, **context: Any
):
    """The template `name` with the operator (for the menu and the CSRF token) and `context`."""
    return templates.TemplateResponse(
        request, name, {"user": user, **context}, status_code=status_code
    )
