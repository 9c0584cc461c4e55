"""Carrier webhooks: where a carrier's parcels' status changes are posted, and the secret that
signs them (shown once, when set). A carrier sets its own; an admin any carrier's."""

from fastapi import APIRouter, HTTPException

from cloud.api.deps import CurrentPrincipal, FleetAdmin, Principal
from cloud.models import WebhookConfig, WebhookIssued
from cloud.notify import webhooks
from cloud.notify.targets import RefusedTarget
from cloud.services import audit, carriers
from cloud.services.errors import Invalid
from cloud.web.deps import NowDep, ResolverDep, SessionDep, SettingsDep

router = APIRouter(tags=["webhooks"])


@router.put("/webhook", response_model=WebhookIssued)
def set_own_webhook(
    data: WebhookConfig,
    caller: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    now: NowDep,
) -> WebhookIssued:
    """Post this carrier's status changes to `url` (a public address); a fresh signing secret
    is returned once."""
    return _configure(session, _own_carrier(caller), data, caller, settings, resolver, now)


@router.delete("/webhook", status_code=204)
def remove_own_webhook(
    caller: CurrentPrincipal, session: SessionDep, settings: SettingsDep, now: NowDep
) -> None:
    """Stop posting this carrier's status changes."""
    carrier = carriers.get_carrier(session, _own_carrier(caller))
    webhooks.configure(session, carrier, None, settings)
    audit.record(
        session, caller.actor, "webhook_configured", f"carrier:{carrier.name}", now, url=None
    )
    session.commit()


@router.put("/carriers/{name}/webhook", response_model=WebhookIssued)
def set_webhook(
    name: str,
    data: WebhookConfig,
    admin: FleetAdmin,
    session: SessionDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    now: NowDep,
) -> WebhookIssued:
    """Post carrier `name`'s status changes to `url` (admins)."""
    return _configure(session, name, data, admin, settings, resolver, now)


def _own_carrier(caller: Principal) -> str:
    if caller.carrier is None:
        raise HTTPException(
            403,
            {
                "code": "forbidden",
                "message": "only a carrier (X-API-Key) has "
                "a webhook of its own; admins use /carriers/{name}/webhook",
            },
        )
    return caller.carrier


def _configure(
    session, name: str, data: WebhookConfig, caller: Principal, settings, resolver, now
) -> WebhookIssued:
    carrier = carriers.get_carrier(session, name)
    try:
        secret = webhooks.configure(session, carrier, data.url, settings, resolver=resolver)
    except RefusedTarget as refused:  # a private address, a scheme, userinfo: 422, nothing kept
        raise Invalid(refused.code, refused.message) from None
    audit.record(
        session, caller.actor, "webhook_configured", f"carrier:{carrier.name}", now, url=data.url
    )
    session.commit()
    return WebhookIssued(url=data.url, secret=secret)
