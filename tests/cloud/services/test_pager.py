"""On-call paging over a real HTTP SMS gateway and the real API: the site's rota is paged one
by one until someone acknowledges (by login or by the link in the SMS), every page and
acknowledgement audited; an alarm acknowledged on the admin page pages no more."""

import re
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import Session, select

from cloud.models import AuditEntry, Locker, Page
from cloud.notify.channels import channels_from
from cloud.services import alarms, pager
from tests.conftest import NOW

M = timedelta(minutes=1)


@pytest.fixture
def settings(settings, sms_gateway):
    return settings.model_copy(update={"sms_url": sms_gateway.url, "sms_token": SecretStr("t")})


@pytest.fixture
def site(client, credentials, engine, make_locker, session):
    """Locker L1 at site HQ; ann (phone) then bob (email) on call there; carl on the fleet's."""
    make_locker("L1")
    make_locker("L2")
    session.get(Locker, "L1").site = "HQ"
    session.commit()
    for name, contact in (
        ("ann", {"phone": "+48111111111"}),
        ("bob", {"email": "bob@example.com"}),
        ("carl", {"phone": "+48333333333"}),
    ):
        credentials.operator("operator", name)
        assert client.put(f"/api/v1/operators/{name}/contact", json=contact).status_code == 200
    assert client.put("/api/v1/oncall/HQ", json={"operators": ["ann", "bob"]}).status_code == 200
    assert client.put("/api/v1/oncall/fleet", json={"operators": ["carl"]}).status_code == 200
    return client


def run(engine, settings, at):
    with Session(engine) as session:
        sent = pager.page_due(session, at, settings, channels_from(settings))
        session.commit()
    return sent


def raise_alarm(engine, locker, kind, at=NOW, compartment=3):
    with Session(engine) as session:
        alarm = alarms.raise_alarm(session, locker, kind, "door 3 forced", at, compartment)
        session.commit()
        return alarm.id


def test_the_rota_is_paged_in_turn_until_someone_acknowledges_by_the_link(
    site, engine, settings, sms_gateway, anonymous
):
    raise_alarm(engine, "L1", "tamper")
    assert run(engine, settings, NOW) == 1
    [(_, sms)] = sms_gateway.posts
    assert sms["to"] == "+48111111111" and "tamper at locker L1 compartment 3" in sms["text"]
    assert run(engine, settings, NOW + 14 * M) == 0  # ann has 15 minutes
    assert run(engine, settings, NOW + 15 * M) == 1  # then bob, by email (logged: no SMTP)
    assert run(engine, settings, NOW + 60 * M) == 0  # nobody left on the HQ rota
    pages = site.get("/api/v1/pages").json()
    assert [(p["operator"], p["channel"], p["level"]) for p in pages] == [
        ("bob", "email", 1),
        ("ann", "sms", 0),
    ]
    link = re.search(r"/api/v1/pages/(\d+)/link\?token=(\S+)", sms["text"])
    page_id, token = int(link.group(1)), link.group(2)
    shown = anonymous.get(f"/api/v1/pages/{page_id}/link", params={"token": token})
    assert shown.status_code == 200 and "<button" in shown.text  # a preview acknowledges nothing
    with Session(engine) as session:
        assert session.get(Page, page_id).acknowledged_at is None
    done = anonymous.post(f"/api/v1/pages/{page_id}/acknowledge-link", params={"token": token})
    assert done.status_code == 200 and done.json()["acknowledged_at"] is not None
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("operator_paged") == 2 and actions.count("page_acknowledged") == 1


def test_an_acknowledged_page_stops_the_escalation(
    site, engine, settings, sms_gateway, credentials
):
    raise_alarm(engine, "L1", "jammed")
    run(engine, settings, NOW)
    [page] = site.get("/api/v1/pages").json()
    ann = credentials.operator("operator", "ann")
    bob = credentials.operator("operator", "bob")
    refused = site.post(f"/api/v1/pages/{page['id']}/acknowledge", headers=bob)
    assert refused.status_code == 403  # not bob's page
    assert site.post(f"/api/v1/pages/{page['id']}/acknowledge", headers=ann).status_code == 200
    assert run(engine, settings, NOW + 60 * M) == 0 and len(sms_gateway.posts) == 1


def test_a_locker_without_a_site_pages_the_fleets_rota_and_offline_waits(
    site, engine, settings, sms_gateway
):
    raise_alarm(engine, "L2", "offline", compartment=None)
    assert run(engine, settings, NOW + 29 * M) == 0  # a board may come back by itself
    assert run(engine, settings, NOW + 30 * M) == 1
    assert sms_gateway.posts[0][1]["to"] == "+48333333333"


def test_an_alarm_acknowledged_on_the_admin_page_is_paged_no_more(
    site, engine, settings, sms_gateway
):
    alarm = raise_alarm(engine, "L1", "left_open")
    run(engine, settings, NOW)
    assert site.post(f"/api/v1/alarms/{alarm}/acknowledge").status_code == 200
    assert run(engine, settings, NOW + 60 * M) == 0 and len(sms_gateway.posts) == 1


def test_alarms_that_do_not_page_and_a_gateway_that_fails(site, engine, settings, sms_gateway):
    raise_alarm(engine, "L1", "pin_guessing")
    assert run(engine, settings, NOW) == 0
    raise_alarm(engine, "L1", "tamper")
    sms_gateway.answers.append((500, b"down", 0))
    assert run(engine, settings, NOW) == 1  # recorded, and bob is paged on time all the same
    [page] = site.get("/api/v1/pages").json()
    assert "HTTPStatusError" in page["error"]
    assert run(engine, settings, NOW + 15 * M) == 1


@pytest.mark.parametrize(
    "path, body, status",
    [
        ("/api/v1/oncall/HQ", {"operators": ["nobody"]}, 404),
        ("/api/v1/oncall/HQ", {"operators": ["ann", "ann"]}, 403),
        ("/api/v1/oncall/HQ", {"operators": []}, 422),
        ("/api/v1/oncall/H Q", {"operators": ["ann"]}, 422),
        ("/api/v1/oncall/HQ", {"operators": ["dora"]}, 403),  # no phone, no email
        ("/api/v1/operators/ann/contact", {"phone": "call me"}, 422),
    ],
)
def test_a_bad_rota_is_refused_and_changes_nothing(
    site, credentials, row_counts, path, body, status
):
    credentials.operator("operator", "dora")
    before = row_counts()
    assert site.put(path, json=body).status_code == status
    assert row_counts() == before
    assert site.get("/api/v1/oncall/HQ").json() == {"operators": ["ann", "bob"]}


def test_only_admins_set_rotas_and_links_are_checked(site, credentials, anonymous):
    ann = credentials.operator("operator", "ann")
    assert (
        site.put("/api/v1/oncall/HQ", json={"operators": ["ann"]}, headers=ann).status_code == 403
    )
    assert anonymous.get("/api/v1/pages/1/link", params={"token": "v1.e30.AAAA"}).status_code == 401
    assert (
        anonymous.post("/api/v1/pages/1/acknowledge-link", params={"token": "x"}).status_code == 401
    )
