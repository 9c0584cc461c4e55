"""The recipient page over real HTTP: the pickup SMS's link opens it; extend once, show a fresh
PIN, name a delegate (whose own link cannot name another); bad links and bad forms change
nothing."""

import re
import uuid
from datetime import timedelta

from sqlmodel import Session, select

from cloud.core.clock import utcnow
from cloud.models import AuditEntry, DoorRelease, OutboxMessage, Parcel, PickupCredential
from cloud.services import recipient_links
from tests.cloud.recipient.conftest import csrf_of, links_in


def test_the_pickup_sms_links_to_a_page_with_status_qr_and_timeline(deliver, anonymous):
    parcel = deliver()
    page = anonymous.get(parcel.path)
    assert page.status_code == 200, page.text
    assert 'data-state="deposited"' in page.text and "Ready for pickup" in page.text
    assert re.search(r'<img id="qr" src="data:image/png;base64,[A-Za-z0-9+/=]+"', page.text)
    assert "Put into the locker" in page.text and "Main St, 1 Main Street" in page.text
    assert "Ada" not in page.text  # the recipient's own name is not needed on the page
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"


def post(client, path, action, **form):
    """A form on the page at `path`, sent as the browser sends it (with the page's CSRF field)."""
    csrf = csrf_of(client.get(path).text)
    return client.post(f"{path}/{action}", data={"csrf": csrf, **form}, follow_redirects=False)


def test_extending_once_redirects_to_a_new_link_and_a_second_is_refused(
    deliver, anonymous, engine, settings
):
    parcel = deliver()
    before = read_parcel(engine, parcel.id).pickup_deadline
    extended = post(anonymous, parcel.path, "extend")
    assert extended.status_code == 303
    fresh = extended.headers["location"]
    assert fresh.startswith("/r/") and fresh.endswith("?done=extended") and parcel.path not in fresh
    after = read_parcel(engine, parcel.id).pickup_deadline
    assert after > before
    shown = anonymous.get(fresh)
    assert "you have more time" in shown.text and f"{after:%Y-%m-%d %H:%M} UTC" in shown.text
    assert anonymous.get(parcel.path).status_code == 200  # the old link lives to its own expiry
    again = post(anonymous, parcel.path, "extend")
    assert again.status_code == 409 and "can be extended only once" in again.text
    assert read_parcel(engine, parcel.id).pickup_deadline == after  # unchanged
    [sms_link] = links_in(engine, settings, parcel.id, "extended")
    assert fresh.startswith(sms_link)  # the extension's SMS carries the new link too


def test_show_my_pin_issues_a_fresh_pin_revokes_the_old_and_is_counted(deliver, anonymous, engine):
    parcel = deliver()
    [old] = credentials_of(engine, parcel.id)
    shown = post(anonymous, parcel.path, "pin")
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    pin = re.search(r'id="pin">Your new PIN is (\d+)\.', shown.text).group(1)
    creds = credentials_of(engine, parcel.id)
    assert [c.used_at is not None for c in creds] == [True, False]  # the old one revoked
    assert creds[0].id == old.id and pin not in anonymous.get(parcel.path).text  # shown once
    with Session(engine) as session:
        pushed = session.exec(select(OutboxMessage).where(OutboxMessage.type == "credential")).all()
        [release] = session.exec(select(DoorRelease)).all()
    assert creds[1].board_verifier in pushed[-1].body  # the board gets the new verifier
    assert (release.kind, release.actor, release.outcome) == ("reissue", "recipient", "issued")
    for _ in range(2):
        assert post(anonymous, parcel.path, "pin").status_code == 200
    refused = post(anonymous, parcel.path, "pin")
    assert refused.status_code == 429 and "shown too often" in refused.text
    assert len(credentials_of(engine, parcel.id)) == 4  # the fourth reveal issued nothing
    with Session(engine) as session:
        audited = session.exec(
            select(AuditEntry.action).where(AuditEntry.subject == f"parcel:{parcel.id}")
        ).all()
    # the deposit's PIN and three shown; four attempts on the ledger, the last refused
    assert audited.count("credential_issued") == 4 and audited.count("door_release") == 4


def test_a_delegate_gets_a_link_of_their_own_that_cannot_name_another(
    deliver, anonymous, engine, settings
):
    parcel = deliver()
    shared = post(anonymous, parcel.path, "delegate", name="Bob", phone="+449876543210")
    assert shared.status_code == 303 and shared.headers["location"].endswith("?done=delegated")
    assert "Bob may collect it too." in anonymous.get(shared.headers["location"]).text
    [bobs] = links_in(engine, settings, parcel.id, recipient="+449876543210")
    page = anonymous.get(bobs)
    assert page.status_code == 200 and 'id="qr"' in page.text
    assert "/delegate" not in page.text and "/extend" not in page.text  # no such forms
    refused = post(anonymous, bobs, "delegate", name="Eve", phone="+441111111111")
    assert refused.status_code == 403 and "Only the recipient" in refused.text
    assert post(anonymous, bobs, "extend").status_code == 403
    assert read_parcel(engine, parcel.id).delegate_name == "Bob"
    api = anonymous.post(  # nor does the API take a delegate's link for the recipient's
        f"/api/v1/parcels/{parcel.id}/delegate",
        params={"token": bobs.removeprefix("/r/")},
        json={"name": "Eve", "phone": "+441111111111"},
    )
    assert api.status_code == 401
    bobs_pin = post(anonymous, bobs, "pin")  # a fresh PIN of the delegate's own, counted
    assert bobs_pin.status_code == 200 and "Your new PIN is" in bobs_pin.text
    with Session(engine) as session:
        releases = session.exec(select(DoorRelease).order_by(DoorRelease.id)).all()
    assert [(r.kind, r.actor, r.counted) for r in releases] == [
        ("delegation", "recipient", False),
        ("reissue", f"delegate:{parcel.id}", True),
    ]
    holders = [(c.holder, c.used_at is None) for c in credentials_of(engine, parcel.id)]
    assert holders == [("recipient", True), ("delegate", False), ("delegate", True)]
    second = post(anonymous, parcel.path, "delegate", name="Eve", phone="+441111111111")
    assert second.status_code == 409 and "Someone else may already collect" in second.text
    assert read_parcel(engine, parcel.id).delegate_name == "Bob"  # one delegate per parcel


def test_bad_contact_data_is_refused_on_the_page_and_changes_nothing(deliver, anonymous, engine):
    parcel = deliver()
    for form in (
        {"name": "Bob"},
        {"name": "", "phone": "+449876543210"},
        {"name": "B", "phone": "12"},
    ):
        refused = post(anonymous, parcel.path, "delegate", **form)
        assert refused.status_code == 422 and "valid mobile number or email" in refused.text
    assert read_parcel(engine, parcel.id).delegate_name is None


def test_expired_altered_and_unknown_links_get_a_plain_page_and_change_nothing(
    deliver, anonymous, engine, settings, row_counts
):
    parcel = deliver()
    token = parcel.path.removeprefix("/r/")
    head, payload, mac = token.split(".")
    altered = f"{head}.{payload}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
    expired = recipient_links.link_token(settings, parcel.id, utcnow() - timedelta(seconds=1))
    counts = row_counts()
    for bad in (altered, expired, "v1.garbage.mac", "x" * 1000):
        page = anonymous.get(f"/r/{bad}")
        assert page.status_code == 401 and "This link does not work" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert post_blind(anonymous, f"/r/{bad}", "extend").status_code == 401
    unknown = recipient_links.link_token(settings, uuid.UUID(int=1), utcnow() + timedelta(days=1))
    assert anonymous.get(f"/r/{unknown}").status_code == 404
    forged = post_blind(anonymous, parcel.path, "extend")  # no CSRF field from the page
    assert forged.status_code == 403 and "form has expired" in forged.text
    assert row_counts() == counts and read_parcel(engine, parcel.id).extended_at is None


def post_blind(client, path, action):
    return client.post(f"{path}/{action}", data={"csrf": "0" * 64}, follow_redirects=False)


def read_parcel(engine, parcel_id) -> Parcel:
    with Session(engine) as session:
        return session.get(Parcel, parcel_id)


def credentials_of(engine, parcel_id) -> list[PickupCredential]:
    with Session(engine) as session:
        query = select(PickupCredential).where(PickupCredential.parcel_id == parcel_id)
        return list(session.exec(query.order_by(PickupCredential.id)).all())
