"""The recipient page's Jinja2 templates (autoescaped), with its texts in the page's language."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from cloud.recipient import texts

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["fill"] = texts.fill


def render(request: Request, name: str, lang: str, status_code: int = 200, **context: Any):
    """The template `name` in `lang`: `t` holds its labels, `state_text` and friends word the
    rest."""
    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": texts.labels(lang),
            "done_text": lambda done: texts.done_text(lang, done),
            "refusal_text": lambda code: texts.refusal_text(lang, code),
            **context,
        },
        status_code=status_code,
    )
