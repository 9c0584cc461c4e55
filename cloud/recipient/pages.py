"""The recipient page at /r/<token>: no account, the signed link from the pickup notice is the
key (cloud/services/recipient_links.py). Server-rendered, no script.

Forms POST back under the same link with a CSRF field derived from it (so a page elsewhere
cannot post without having read this one), and answer with a redirect to the page (a reload
never repeats the action): after an extension, to the new link valid until the new deadline.
Only "Show my PIN" answers with the page itself, since the PIN must not sit in a URL. Every
answer is `no-store` and sends no Referer, so the link does not leak into caches or other sites.
"""

import hashlib
import hmac
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Delegate
from cloud.recipient.templating import render
from cloud.recipient.view import view
from cloud.services import (
    delegation,
    door_budget,
    lifecycle,
    parcels,
    pin_reveal,
    recipient_hold,
    recipient_links,
    recipient_redirect,
)
from cloud.services.errors import DomainError, Forbidden, Invalid
from cloud.services.recipient_links import LinkHolder
from cloud.web.deps import NowDep, SessionDep, SettingsDep
from cloud.web.errors import status_of

router = APIRouter(prefix="/r", include_in_schema=False)
TOKEN_MAX = 400  # far longer than any link token: anything longer is not one
CsrfField = Annotated[str, Form(max_length=128)]


@router.get("/{token}")
def recipient_page(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    done: Annotated[str, Query(max_length=16)] = "",
):
    """The parcel's status, timeline, QR code and what its holder may do."""
    holder = _holder(settings, token, now)
    if holder is None:
        return _gone(request, 401)
    return _page(request, session, settings, token, holder, now, done=done)


@router.post("/{token}/extend")
def extend(
    request: Request,
    token: str,
    csrf: CsrfField,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
):
    """Push the pickup deadline back, once; then to the new link (valid until then)."""

    def act(holder: LinkHolder):
        _recipient_only(holder)
        parcel = lifecycle.extend(
            session, holder.parcel_id, now, settings, actor=door_budget.RECIPIENT
        )
        fresh = recipient_links.link_token(settings, parcel.id, parcel.pickup_deadline)
        return _after(fresh, "extended")

    return _post(request, token, csrf, session, settings, now, act)


@router.post("/{token}/delegate")
def delegate(
    request: Request,
    token: str,
    csrf: CsrfField,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    name: Annotated[str, Form(max_length=400)] = "",
    phone: Annotated[str, Form(max_length=64)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
):
    """Let someone else collect: they get a PIN, a QR code and a link of their own."""

    def act(holder: LinkHolder):
        _recipient_only(holder)
        data = _delegate(name, phone, email)
        delegation.delegate(
            session, holder.parcel_id, data, now, settings, actor=door_budget.RECIPIENT
        )
        return _after(token, "delegated")

    return _post(request, token, csrf, session, settings, now, act)


@router.post("/{token}/redirect")
def redirect(
    request: Request,
    token: str,
    csrf: CsrfField,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    locker: Annotated[str, Form(max_length=64)] = "",
):
    """Before the deposit: send the parcel to another locker with room nearby."""

    def act(holder: LinkHolder):
        _recipient_only(holder)
        recipient_redirect.redirect(
            session, holder.parcel_id, locker, now, settings, actor=door_budget.RECIPIENT
        )
        return _after(token, "redirected")

    return _post(request, token, csrf, session, settings, now, act)


@router.post("/{token}/hold")
def hold(
    request: Request,
    token: str,
    csrf: CsrfField,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    until: Annotated[str, Form(max_length=10)] = "",
):
    """Before the deposit: no delivery before a day of the recipient's choosing."""

    def act(holder: LinkHolder):
        _recipient_only(holder)
        recipient_hold.hold(
            session, holder.parcel_id, _day(until), now, settings, actor=door_budget.RECIPIENT
        )
        return _after(token, "held")

    return _post(request, token, csrf, session, settings, now, act)


@router.post("/{token}/pin")
def show_pin(
    request: Request,
    token: str,
    csrf: CsrfField,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
):
    """A fresh PIN for whoever holds the link, shown once (the old one stops working)."""

    def act(holder: LinkHolder):
        pin = pin_reveal.reveal(session, holder.parcel_id, holder.holder, now, settings)
        session.commit()
        return _page(request, session, settings, token, holder, now, pin=pin)

    return _post(request, token, csrf, session, settings, now, act)


def _post(request, token, csrf, session: Session, settings, now, act) -> Response:
    """Check the link and the form's CSRF field, then `act`; a refusal is shown on the page,
    in the parcel's language, with its status (and committed if it is on record)."""
    holder = _holder(settings, token, now)
    if holder is None:
        return _gone(request, 401)
    try:
        if not hmac.compare_digest(csrf.encode(), csrf_for(settings, token).encode()):
            raise Forbidden("csrf_failed", "the form's CSRF field does not match this link")
        answer = act(holder)
    except DomainError as refusal:
        if refusal.on_record:  # the ledger keeps refused attempts too
            session.commit()
        else:
            session.rollback()
        status = status_of(refusal)
        return _page(
            request, session, settings, token, holder, now, status_code=status, refusal=refusal.code
        )
    session.commit()
    return answer


def csrf_for(settings: Settings, token: str) -> str:
    """The CSRF field of the forms on the page of `token`."""
    return hmac.new(
        settings.token_key, b"recipient-csrf:" + token.encode(), hashlib.sha256
    ).hexdigest()


def _holder(settings: Settings, token: str, now) -> LinkHolder | None:
    return recipient_links.holder_of(settings, token, now) if len(token) <= TOKEN_MAX else None


def _recipient_only(holder: LinkHolder) -> None:
    if holder.holder != recipient_links.RECIPIENT:
        raise Forbidden(
            "delegate_of_delegate", "only the recipient may do this; a delegate may not"
        )


def _delegate(name: str, phone: str, email: str) -> Delegate:
    try:
        return Delegate(name=name.strip(), phone=phone.strip() or None, email=email.strip() or None)
    except ValidationError as error:
        raise Invalid("invalid_contact", str(error)) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("hold_out_of_range", "give the day as YYYY-MM-DD") from None


def _after(token: str, done: str) -> RedirectResponse:
    return _private(RedirectResponse(f"{recipient_links.PAGE_PATH}{token}?done={done}", 303))


def _page(request, session, settings, token, holder, now, *, status_code=200, **shown) -> Response:
    try:
        parcel = parcels.get_parcel(session, holder.parcel_id)
    except DomainError:
        return _gone(request, 404)  # a valid link to a parcel since deleted
    context = {
        "v": view(session, parcel, holder.holder, now),
        "csrf": csrf_for(settings, token),
        "token": token,
        "reveals_left": pin_reveal.reveals_left(session, parcel.id),
        "elsewhere": _elsewhere(session, parcel, holder, settings),
        "hold_days": recipient_hold.choosable_days(now),
        **shown,
    }
    return _private(render(request, "recipient.html", parcel.language, status_code, **context))


def _elsewhere(session, parcel, holder: LinkHolder, settings) -> list:
    """The lockers the recipient may redirect to (none for a delegate)."""
    if holder.holder != recipient_links.RECIPIENT:
        return []
    return recipient_redirect.options(session, parcel, settings)


def _gone(request: Request, status_code: int) -> Response:
    return _private(render(request, "gone.html", "en", status_code))


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
