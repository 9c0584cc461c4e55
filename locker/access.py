"""Credentials for the demo, the end-to-end tests and the chaos harness: an admin made through
the services (as `locker admin create` does; there is no default password) and carrier keys."""

import secrets

import httpx
from sqlmodel import select

from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.models import Carrier
from cloud.services import carriers
from cloud.services.operators import create_operator


def create_admin(engine, username="bootstrap-admin"):
    """(username, password) of a new admin with a random password, shown to nobody else."""
    username = "%s-%s" % (username, secrets.token_hex(3))
    password = secrets.token_urlsafe(24)
    with transaction(engine) as session:
        create_operator(session, username, password, "admin", utcnow(), actor="system:bootstrap")
    return username, password


def login_headers(api_url, username, password):
    """`Authorization: Bearer` headers from the API's /auth/login."""
    response = httpx.post(
        api_url.rstrip("/") + "/api/v1/auth/login",
        timeout=30,
        json={"username": username, "password": password},
    )
    response.raise_for_status()
    return {"Authorization": "Bearer " + response.json()["access_token"]}


def carrier_headers(engine, name):
    """`X-API-Key` headers of a new key for carrier `name` (the carrier is made if missing)."""
    now = utcnow()
    with transaction(engine) as session:
        carrier = session.exec(select(Carrier).where(Carrier.name == name)).first()
        if carrier is None:
            carrier = carriers.create_carrier(session, name, now, actor="system:bootstrap")
        _, key = carriers.issue_key(session, carrier, now, actor="system:bootstrap")
    return {"X-API-Key": key}


def admin_headers(engine, api_url):
    """Headers of a freshly made admin, logged in through the API."""
    return login_headers(api_url, *create_admin(engine))
