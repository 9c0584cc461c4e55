"""On call in the admin: admins set each site's rota and where pages reach each operator, the
paged operator (or an admin) acknowledges a page; every change audited, bad input refused with
the reason and nothing changed. Real app, real database, a real HTTP SMS gateway for pages."""

import json
import warnings

import pytest
from pydantic import SecretStr
from sqlmodel import Session, select

from cloud.models import AuditEntry, Locker, OnCallEntry, Operator, Page
from cloud.notify.channels import channels_from
from cloud.services import alarms, pager
from tests.cloud.admin.conftest import csrf_of, read
from tests.conftest import NOW

with warnings.catch_warnings():
    warnings.simplefilter("ignore")


@pytest.fixture
def settings(settings, sms_gateway):
    return settings.model_copy(update={"sms_url": sms_gateway.url, "sms_token": SecretStr("t")})


@pytest.fixture
def hq(session, make_locker, web):
    """Locker L1 at site HQ; the operators ann and bob, and the admin boss, logged in."""
    make_locker("L1")
    session.get(Locker, "L1").site = "HQ"
    session.commit()
    people = {name: web(role, name) for role, name in [("operator", "ann"), ("operator", "bob")]}
    people["boss"] = web("admin", "boss")
    return people


def post(client, path, data):
    csrf = csrf_of(client.get("/admin/oncall").text)
    return client.post(path, data={**data, "csrf": csrf})


def set_up_rota(boss):
    for name, phone, email in (("ann", "+48111111111", ""), ("bob", "", "bob@example.com")):
        contact = {"phone": phone, "email": email}
        assert post(boss, f"/admin/oncall/contacts/{name}", contact).status_code == 303
    rota = {"site": "HQ", "operators": "ann, bob"}
    assert post(boss, "/admin/oncall/rota", rota).status_code == 303


def rota(engine, site):
    entries = read(engine, select(OnCallEntry).where(OnCallEntry.site == site))
    names = {o.id: o.username for o in read(engine, select(Operator))}
    return [names[e.operator_id] for e in sorted(entries, key=lambda e: e.position)]


def audited(engine, action):
    entries = read(engine, select(AuditEntry).where(AuditEntry.action == action))
    return [(e.actor, e.subject, json.loads(e.detail)) for e in entries]


def test_an_admin_sets_contacts_and_a_sites_rota_and_sees_them(hq, engine):
    set_up_rota(hq["boss"])
    assert rota(engine, "HQ") == ["ann", "bob"]
    page = hq["boss"].get("/admin/oncall").text
    assert 'id="rota-HQ"' in page and "ann → bob" in page
    assert 'value="+48111111111"' in page and 'value="bob@example.com"' in page
    assert [a[:2] for a in audited(engine, "operator_contact_set")] == [
        ("operator:boss", "operator:ann"),
        ("operator:boss", "operator:bob"),
    ]
    assert audited(engine, "on_call_set") == [
        ("operator:boss", "site:HQ", {"operators": ["ann", "bob"]})
    ]
    assert post(hq["boss"], "/admin/oncall/rota", {"site": "fleet", "operators": "bob"}).is_redirect
    assert rota(engine, "") == ["bob"]  # `fleet` names the rota of lockers without a site


def test_only_an_admin_changes_rotas_and_contacts(hq, engine):
    ann = hq["ann"]
    assert "Set rota" not in ann.get("/admin/oncall").text  # no form to fill in
    refused = post(ann, "/admin/oncall/rota", {"site": "HQ", "operators": "ann"})
    assert refused.status_code == 403
    assert post(ann, "/admin/oncall/contacts/ann", {"phone": "+48999999999"}).status_code == 403
    assert rota(engine, "HQ") == [] and audited(engine, "operator_contact_set") == []


@pytest.mark.parametrize(
    "path, data, status, says",
    [
        ("/admin/oncall/rota", {"site": "HQ", "operators": "ann, zed"}, 404, "Operator zed not"),
        ("/admin/oncall/rota", {"site": "HQ", "operators": "ann, ann"}, 403, "appears twice"),
        ("/admin/oncall/rota", {"site": "H Q!", "operators": "ann"}, 422, "Site: "),
        ("/admin/oncall/rota", {"site": "HQ", "operators": " , "}, 422, "Rota: "),
        ("/admin/oncall/contacts/ann", {"phone": "call me"}, 422, "Phone: "),
        ("/admin/oncall/contacts/ann", {"email": "ann"}, 422, "Email: "),
        ("/admin/oncall/contacts/zed", {"phone": "+48111111111"}, 404, "Operator zed not found"),
    ],
)
def test_bad_input_says_what_is_wrong_and_changes_nothing(hq, engine, path, data, status, says):
    set_up_rota(hq["boss"])
    before = (rota(engine, "HQ"), read(engine, select(Operator)), read(engine, select(AuditEntry)))
    refused = post(hq["boss"], path, data)
    assert refused.status_code == status and 'role="alert"' in refused.text
    assert says in refused.text
    after = (rota(engine, "HQ"), read(engine, select(Operator)), read(engine, select(AuditEntry)))
    assert after == before


def test_an_operator_without_contact_cannot_be_on_call(hq, engine):
    refused = post(hq["boss"], "/admin/oncall/rota", {"site": "HQ", "operators": "ann"})
    assert refused.status_code == 403 and "Operator ann has no phone or email" in refused.text
    assert rota(engine, "HQ") == []


def test_a_form_without_the_csrf_token_is_refused(hq, engine):
    refused = hq["boss"].post("/admin/oncall/rota", data={"site": "HQ", "operators": "ann"})
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "csrf_failed"


def test_the_paged_operator_acknowledges_and_nobody_else_is_paged(
    hq, engine, settings, sms_gateway
):
    set_up_rota(hq["boss"])
    with Session(engine) as session:
        alarms.raise_alarm(session, "L1", "tamper", "door 3 forced", NOW, 3)
        assert pager.page_due(session, NOW, settings, channels_from(settings)) == 1
        session.commit()
    [page] = read(engine, select(Page))
    shown = hq["bob"].get("/admin/oncall").text
    assert f'id="page-{page.id}"' in shown and "tamper" in shown
    assert "Acknowledge</button>" not in shown  # bob was not paged
    refused = post(hq["bob"], f"/admin/oncall/pages/{page.id}/acknowledge", {})
    assert refused.status_code == 403 and "was sent to someone else" in refused.text
    assert post(hq["ann"], f"/admin/oncall/pages/{page.id}/acknowledge", {}).is_redirect
    assert "acknowledged" in hq["ann"].get("/admin/oncall").text
    assert audited(engine, "page_acknowledged") == [
        ("operator:ann", f"alarm:{page.alarm_id}", {"page": page.id})
    ]
    with Session(engine) as session:
        later = NOW.replace(hour=NOW.hour + 1)
        assert pager.page_due(session, later, settings, channels_from(settings)) == 0
    assert len(sms_gateway.posts) == 1  # bob was never paged


def test_an_unknown_page_is_not_found(hq):
    refused = post(hq["boss"], "/admin/oncall/pages/999/acknowledge", {})
    assert refused.status_code == 404 and "Page 999 not found" in refused.text
