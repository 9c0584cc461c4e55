"""Bulk delegation (issue 10): a stolen operator login that cannot empty a locker bank by remote
opens must not do it by naming a delegate for every deposited parcel either (each delegate gets
a PIN that opens the door). Delegation and remote opens share one door-release budget per
locker and per actor, the burst alarm stops both until an admin acknowledges it, a delegate
phone used for many parcels is flagged then refused, carriers may not delegate at all, and the
recipient's own link still works. Every refusal leaves no credential, command or message."""

import contextlib
import re
import threading
import uuid
import warnings

import pytest
from sqlmodel import Session, select

from cloud.admin.auth import SESSION_COOKIE
from cloud.core.clock import utcnow
from cloud.models import Alarm, Delegate
from cloud.services import delegation
from tests.security.door_world import THIEF_PHONE, DoorWorld, code_of

with warnings.catch_warnings():  # starlette's notice about httpx, not about our code
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

RECEIVED = 200


@pytest.fixture
def world(client, engine, settings):
    """Lockers B1..B4, five deposited parcels in each (acme's)."""
    world = DoorWorld(client, engine, settings)
    for n in range(1, 5):
        world.locker(f"B{n}", 6)
        for p in range(5):
            world.deposit(f"B{n}", f"JJD{n}{p:03d}")
    return world


def alarms_of(engine, kind):
    with Session(engine) as session:
        return list(session.exec(select(Alarm).where(Alarm.kind == kind)).all())


def test_one_login_delegating_every_parcel_to_one_phone_is_stopped(world, credentials, engine):
    """Three per locker, ten for the login; asking past that raises the burst alarm and every
    further delegation and remote open waits for an admin; the phone is flagged on the way."""
    mallory = credentials.operator("operator", "mallory")
    outcomes = []
    for parcel_id in world.all_parcels():
        before = world.effects()
        response = world.delegate(parcel_id, mallory)
        outcomes.append(code_of(response) or response.status_code)
        if response.status_code != RECEIVED:
            assert world.effects() == before, response.text  # a refusal changes nothing
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) > 0
    per_locker = [RECEIVED] * 3 + ["delegation_locker_limit"] * 2
    assert (
        outcomes
        == per_locker * 3 + [RECEIVED, "delegation_operator_limit"] + ["delegation_suspended"] * 3
    )
    assert world.sent_to(THIEF_PHONE) == 10  # ten PINs went out, not twenty
    [burst] = alarms_of(engine, "door_release_burst")
    assert "operator:mallory" in burst.detail
    assert alarms_of(engine, "delegate_contact")  # the phone was flagged at its fourth parcel
    assert [r.outcome for r in world.ledger()] == [
        o if isinstance(o, str) else "issued" for o in outcomes
    ]

    # Nobody releases a door for anyone but the recipient until an admin has looked.
    olga = credentials.operator("operator", "olga")
    spare = world.parcels["B4"][4]
    assert code_of(world.remote_open("B4", 6, olga)) == "remote_open_suspended"
    assert code_of(world.delegate(spare, olga, phone="+15550100777")) == "delegation_suspended"
    acknowledge = f"/api/v1/alarms/{burst.id}/acknowledge"
    assert world.client.post(acknowledge, headers=mallory).status_code == 403
    assert world.client.post(acknowledge, headers=olga).status_code == 403
    assert world.client.post(acknowledge).status_code == 200  # the admin
    assert world.delegate(spare, olga, phone="+15550100777").status_code == RECEIVED
    # The acknowledgement gives the stolen login no new budget, and its refusals in this window
    # no longer stop everyone else: the admin has looked (and may deactivate the login).
    assert code_of(world.delegate(world.parcels["B4"][3], mallory)) == "delegation_operator_limit"
    assert world.remote_open("B4", 6, olga).status_code == 202


def test_remote_opens_and_delegations_share_one_budget(world, credentials):
    mallory = credentials.operator("operator", "mallory")
    b1 = world.parcels["B1"]
    assert world.remote_open("B1", 6, mallory).status_code == 202
    assert world.delegate(b1[0], mallory).status_code == RECEIVED
    assert world.remote_open("B1", world.compartments[b1[1]], mallory).status_code == 202
    assert code_of(world.delegate(b1[2], mallory)) == "delegation_locker_limit"
    assert code_of(world.remote_open("B1", 6, mallory)) == "remote_open_locker_limit"
    granted = 3
    for locker_id in ("B2", "B3", "B4"):  # per login: ten, whichever way
        for n, parcel_id in enumerate(world.parcels[locker_id][:3]):
            if granted == 10:
                break
            response = (
                world.delegate(parcel_id, mallory)
                if n % 2
                else world.remote_open(locker_id, world.compartments[parcel_id], mallory)
            )
            assert response.status_code in (RECEIVED, 202), response.text
            granted += 1
    assert code_of(world.remote_open("B4", 6, mallory)) == "remote_open_operator_limit"


def test_several_logins_each_within_their_limits_raise_the_burst(
    world, credentials, engine, settings
):
    settings.remote_open_burst = 6  # fleet-wide in five minutes (20 by default)
    thieves = [credentials.operator("operator", name) for name in ("op-a", "op-b", "op-c")]
    doors = [(world.parcels[f"B{1 + i % 4}"][i // 4], thieves[i % 3]) for i in range(7)]
    codes = [
        code_of(world.delegate(parcel_id, thief, phone=f"+1555010{i:04d}"))
        for i, (parcel_id, thief) in enumerate(doors)
    ]
    assert codes == [None] * 6 + ["delegation_burst"]
    assert alarms_of(engine, "door_release_burst")
    assert (
        code_of(world.remote_open("B1", 6, credentials.operator("admin")))
        == "remote_open_suspended"
    )


def test_a_carrier_key_cannot_delegate_even_its_own_parcels(world, credentials, row_counts):
    acme = credentials.carrier("acme")
    before = row_counts()
    for parcel_id in world.parcels["B1"]:
        response = world.delegate(parcel_id, acme, reason=None)
        assert response.status_code == 403 and code_of(response) == "delegation_forbidden"
    assert row_counts() == before


def test_an_operator_must_say_why_and_a_viewer_may_not_at_all(world, credentials, row_counts):
    operator, viewer = credentials.operator("operator"), credentials.operator("viewer")
    before = row_counts()
    no_reason = world.delegate(world.parcels["B1"][0], operator, reason=None)
    assert no_reason.status_code == 422 and code_of(no_reason) == "reason_required"
    assert world.delegate(world.parcels["B1"][0], viewer).status_code == 403
    assert row_counts() == before


def test_the_recipient_still_delegates_by_their_link_past_the_budget_and_the_suspension(
    world, credentials, engine
):
    """A link names one parcel: it cannot empty a locker, so it is recorded, not budgeted."""
    mallory = credentials.operator("operator", "mallory")
    b1 = world.parcels["B1"]
    for parcel_id in b1[:3]:
        assert world.delegate(parcel_id, mallory).status_code == RECEIVED
    assert code_of(world.delegate(b1[3], mallory)) == "delegation_locker_limit"
    for parcel_id in world.all_parcels()[5:17]:  # the login runs past its ten
        world.delegate(parcel_id, mallory)
    assert alarms_of(engine, "door_release_burst")  # suspended
    response = world.delegate(b1[4], link=True, phone="+447700900123", reason=None)
    assert response.status_code == RECEIVED, response.text
    mine = world.ledger()[-1]
    assert (mine.actor, mine.counted, mine.outcome) == ("recipient", False, "issued")
    assert world.sent_to("+447700900123") == 1


@pytest.mark.parametrize(
    "addresses",
    [
        ["+15550100666", "0015550100666", "15550100666", "+15550100666"],
        ["thief@example.com", "Thief+1@Example.com", "thief+2@example.com", "THIEF@example.com"],
        [
            "the.thief@gmail.com",
            "thethief@googlemail.com",
            "The.Thief+x@gmail.com",
            "thethief@gmail.com",
        ],
    ],
    ids=["phone", "email", "gmail"],
)
def test_recipients_links_funnelled_to_one_contact_are_flagged_then_refused(
    world, engine, settings, addresses
):
    """However the contact is written; counted by a keyed hash, not kept in clear."""
    settings.delegate_contact_flag, settings.delegate_contact_limit = 2, 3
    codes = []
    for parcel_id, address in zip(world.all_parcels(), addresses):
        before = world.effects()
        contact = {"email": address} if "@" in address else {"phone": address}
        response = world.delegate(parcel_id, link=True, reason=None, **contact)
        codes.append(code_of(response))
        if response.status_code != RECEIVED:
            assert world.effects() == before
    assert codes == [None, None, None, "delegate_contact_limit"]
    [flag] = alarms_of(engine, "delegate_contact")
    assert flag.count == 2  # the third and the fourth
    keys = {r.phone_key or r.email_key for r in world.ledger()}
    assert len(keys) == 1 and not any(a.lower() in flag.detail.lower() for a in addresses)


@pytest.mark.parametrize("limit", ["locker", "operator"])
def test_two_delegations_racing_past_a_limit_do_not_both_pass(
    world, credentials, engine, settings, limit
):
    """One is being granted (its transaction open) when the other asks: the other waits for it,
    then counts it and is refused. On one locker (its third), or on two (the login's tenth)."""
    mallory = credentials.operator("operator", "mallory")
    if limit == "operator":
        settings.remote_open_per_locker = 100
        granted = world.parcels["B1"] + world.parcels["B2"][:4]  # nine
        holders_parcel, racing_parcel, racer = (
            world.parcels["B2"][4],
            world.parcels["B3"][0],
            mallory,
        )
    else:
        granted = world.parcels["B1"][:2]
        holders_parcel, racing_parcel = world.parcels["B1"][2], world.parcels["B1"][3]
        racer = credentials.operator("operator", "olga")
    for parcel_id in granted:
        assert world.delegate(parcel_id, mallory).status_code == RECEIVED
    holder = Session(engine)
    delegation.delegate(
        holder,
        uuid.UUID(holders_parcel),
        Delegate(name="x", phone="+15550100777", reason="why"),
        utcnow(),
        settings,
        actor="operator:mallory",
    )
    answer = {}
    racing = threading.Thread(
        target=lambda: answer.setdefault(
            "response", world.delegate(racing_parcel, racer, phone="+15550100888")
        )
    )
    racing.start()
    racing.join(timeout=1.5)
    assert racing.is_alive()  # waiting for the one being granted
    holder.commit()
    holder.close()
    racing.join(timeout=30)
    assert code_of(answer["response"]) == f"delegation_{limit}_limit"
    assert [r.outcome for r in world.ledger()][-2:] == ["issued", f"delegation_{limit}_limit"]


def test_the_admin_pages_let_no_operator_acknowledge_the_burst_alarm(
    world, credentials, app, engine
):
    """The API refused it; the admin's alarm page used to let any operator resume releases."""
    mallory = credentials.operator("operator", "mallory")
    for parcel_id in world.all_parcels()[:17]:
        world.delegate(parcel_id, mallory)
    [burst] = alarms_of(engine, "door_release_burst")
    with admin_browser(app, mallory) as browser:
        csrf = CSRF.search(browser.get("/admin/lockers/B1").text).group(1)
        alarms_page = browser.get("/admin/alarms")
        assert f"/admin/alarms/{burst.id}/acknowledge" not in alarms_page.text
        assert (
            browser.post(f"/admin/alarms/{burst.id}/acknowledge", data={"csrf": csrf}).status_code
            == 403
        )
    [burst] = alarms_of(engine, "door_release_burst")
    assert burst.acknowledged_at is None
    with admin_browser(app, credentials.operator("admin")) as browser:
        csrf = CSRF.search(browser.get("/admin/lockers/B1").text).group(1)
        assert (
            browser.post(f"/admin/alarms/{burst.id}/acknowledge", data={"csrf": csrf}).status_code
            == 303
        )


CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@contextlib.contextmanager
def admin_browser(app, headers):
    """The admin pages as the operator whose bearer token `headers` carry (as its session
    cookie)."""
    with TestClient(app, follow_redirects=False) as browser:
        browser.cookies.set(SESSION_COOKIE, headers["Authorization"].removeprefix("Bearer "))
        yield browser
