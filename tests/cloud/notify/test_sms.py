"""SMS through a real HTTP gateway on 127.0.0.1, and its delivery receipts through the API:
delivered stamps the message, a final failure gives it up (alarm, audit, timeline), and a bad
receipt is refused and changes nothing."""

import json
import time

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import Session, select

from cloud.admin.parcel_view import timeline
from cloud.models import Alarm, AuditEntry, Notification
from cloud.notify import webhooks
from cloud.notify.channels import channels_from
from cloud.notify.sms import HttpSmsProvider
from cloud.runtime.notification_loop import NotificationLoop
from cloud.services import notifications

RECEIPT_SECRET = "receipt-secret-0123456789abcdef0123"


@pytest.fixture
def settings(settings, sms_gateway):
    return settings.model_copy(
        update={
            "sms_url": sms_gateway.url,
            "sms_token": SecretStr("gw-token"),
            "sms_receipt_secret": SecretStr(RECEIPT_SECRET),
        }
    )


@pytest.fixture
def anonymous(anonymous, session):
    anonymous.test_session = session  # _receipt ends the test's transaction before each call
    return anonymous


def test_the_gateway_gets_json_with_the_bearer_token_and_its_id_comes_back(sms_gateway):
    provider = HttpSmsProvider(sms_gateway.url, "gw-token")
    sms_gateway.answers.extend(
        [
            (201, b'{"id": "SM1"}', 0),
            (200, b'{"message_id": 42}', 0),
            (202, b"accepted", 0),  # taken, no id: no receipt will match it
            (200, b'["SM9"]', 0),
        ]
    )
    assert provider.send_sms("+441234567890", "hello") == "SM1"
    assert provider.send_sms("+441234567890", "hello") == "42"
    assert provider.send_sms("+441234567890", "hello") is None
    assert provider.send_sms("+441234567890", "hello") is None
    headers, body = sms_gateway.posts[0]
    assert body == {"to": "+441234567890", "text": "hello"}
    assert headers["Authorization"] == "Bearer gw-token"
    assert headers["Content-Type"] == "application/json"


def test_a_gateway_that_refuses_or_hangs_raises(sms_gateway):
    provider = HttpSmsProvider(sms_gateway.url)
    provider.timeout_s = 0.3
    sms_gateway.answers.extend([(500, b"down", 0), (400, b'{"error": "bad number"}', 0)])
    with pytest.raises(httpx.HTTPStatusError):
        provider.send_sms("+441234567890", "x")
    with pytest.raises(httpx.HTTPStatusError):
        provider.send_sms("+441234567890", "x")
    sms_gateway.answers.append((200, b'{"id": "late"}', 1.0))
    with pytest.raises(httpx.TimeoutException):
        provider.send_sms("+441234567890", "x")
    assert "Authorization" not in sms_gateway.posts[0][0]  # no token configured, none sent
    with pytest.raises(httpx.ConnectError):
        HttpSmsProvider("http://127.0.0.1:9/sms").send_sms("+441234567890", "x")


def _sent_pickup_sms(session, deposit, sms_gateway, settings, answer=b'{"id": "SM-77"}'):
    """Deposit a parcel and send its notices through the real gateway: (parcel, its SMS)."""
    _, parcel = deposit()
    session.commit()
    sms_gateway.answers.append((200, answer, 0))
    notifications.dispatch_pending(
        session, channels_from(settings), parcel.deposited_at, settings=settings
    )
    session.commit()
    [sms] = session.exec(
        select(Notification).where(
            Notification.parcel_id == parcel.id, Notification.channel == "sms"
        )
    ).all()
    session.commit()  # SQLite: nothing of the test's may hold the database meanwhile
    return parcel, sms


def _receipt(client, body, secret=RECEIPT_SECRET, at=None):
    raw = json.dumps(body).encode()
    client.test_session.commit()  # SQLite: the test's reads hold the database (BEGIN IMMEDIATE)
    signature = webhooks.signature_header(secret, raw, int(at or time.time()))
    return client.post(
        "/api/v1/notifications/sms-receipts",
        content=raw,
        headers={"Sms-Signature": signature, "Content-Type": "application/json"},
    )


def test_a_delivered_receipt_stamps_the_sms_and_shows_in_the_timeline(
    anonymous, session, deposit, sms_gateway, settings
):
    parcel, sms = _sent_pickup_sms(session, deposit, sms_gateway, settings)
    assert (sms.provider_ref, sms.sent_at is not None, sms.delivered_at) == ("SM-77", True, None)
    assert (
        "PIN" in sms_gateway.posts[0][1]["text"] and "******" not in sms_gateway.posts[0][1]["text"]
    )
    assert _receipt(anonymous, {"id": "SM-77", "status": "sent"}).status_code == 204
    assert _receipt(anonymous, {"id": "SM-77", "status": "DELIVERED"}).status_code == 204
    session.refresh(sms)
    assert sms.delivered_at is not None and sms.dead_at is None
    assert any(m.what == "sms (pickup) delivered" for m in timeline(session, parcel))
    # delivered stays delivered: a late failure report changes nothing
    assert _receipt(anonymous, {"id": "SM-77", "status": "failed"}).status_code == 204
    session.refresh(sms)
    assert sms.dead_at is None and session.exec(select(Alarm)).all() == []


def test_a_failed_receipt_gives_the_sms_up_raises_an_alarm_and_is_audited_once(
    anonymous, session, deposit, sms_gateway, settings
):
    parcel, sms = _sent_pickup_sms(session, deposit, sms_gateway, settings)
    body = {"id": "SM-77", "status": "undelivered", "error": "30005 unknown handset"}
    assert _receipt(anonymous, body).status_code == 204
    assert _receipt(anonymous, body).status_code == 204  # the gateway retried its callback
    session.expire_all()
    sms = session.get(Notification, sms.id)
    assert sms.dead_at is not None and "30005 unknown handset" in sms.last_error
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.locker_id, alarm.kind, alarm.count) == ("L1", "notification_failed", 1)
    assert parcel.tracking_code in alarm.detail and "+44" not in alarm.detail
    entries = session.exec(select(AuditEntry).where(AuditEntry.action == "notification_failed"))
    assert len(entries.all()) == 1
    failed = [m.what for m in timeline(session, parcel) if "FAILED" in m.what]
    assert failed == ["sms (pickup) FAILED, given up: gateway: undelivered: 30005 unknown handset"]


def test_an_sms_the_gateway_never_takes_is_given_up_with_an_alarm(
    session, deposit, sms_gateway, settings
):
    _, parcel = deposit()
    session.commit()
    channels = channels_from(settings)
    at = parcel.deposited_at
    for _ in range(notifications.MAX_ATTEMPTS):
        sms_gateway.answers.append((503, b"busy", 0))
        at = max(at, *(n.next_attempt_at for n in session.exec(select(Notification))))
        notifications.dispatch_pending(session, channels, at, settings=settings)
    session.commit()
    sms = session.exec(select(Notification).where(Notification.channel == "sms")).one()
    assert sms.dead_at is not None and sms.sealed_pin is None
    [alarm] = session.exec(select(Alarm)).all()
    assert alarm.kind == "notification_failed" and "8 attempts failed" in alarm.detail
    assert any("FAILED" in m.what for m in timeline(session, parcel))


@pytest.mark.parametrize(
    "case",
    ["unsigned", "wrong secret", "an hour old", "unknown id", "bad status", "not json", "long id"],
)
def test_a_bad_receipt_is_refused_and_changes_nothing(
    case, anonymous, session, deposit, sms_gateway, settings, row_counts
):
    _, sms = _sent_pickup_sms(session, deposit, sms_gateway, settings)
    before = row_counts()
    good = {"id": "SM-77", "status": "failed"}
    if case == "unsigned":
        session.commit()
        response = anonymous.post("/api/v1/notifications/sms-receipts", json=good)
    elif case == "wrong secret":
        response = _receipt(anonymous, good, secret="another-secret-0123456789abcdef")
    elif case == "an hour old":
        response = _receipt(anonymous, good, at=time.time() - 3600)
    elif case == "unknown id":
        response = _receipt(anonymous, {"id": "SM-404", "status": "failed"})
    elif case == "bad status":
        response = _receipt(anonymous, {"id": "SM-77", "status": "exploded"})
    elif case == "long id":
        response = _receipt(anonymous, {"id": "S" * 101, "status": "failed"})
    else:
        raw = b"{not json"
        signature = webhooks.signature_header(RECEIPT_SECRET, raw, int(time.time()))
        session.commit()
        response = anonymous.post(
            "/api/v1/notifications/sms-receipts", content=raw, headers={"Sms-Signature": signature}
        )
    expected = {"unsigned": 401, "wrong secret": 401, "an hour old": 401, "unknown id": 404}
    assert response.status_code == expected.get(case, 422), response.text
    assert response.json()["detail"]["code"] in (
        "bad_signature",
        "sms_not_found",
        "bad_receipt_status",
        "bad_receipt",
    )
    assert row_counts() == before
    session.refresh(sms)
    assert sms.dead_at is None and sms.delivered_at is None


def test_receipts_are_off_without_a_secret(app, engine, settings):
    from fastapi.testclient import TestClient

    from cloud.app import create_app

    off = create_app(settings.model_copy(update={"sms_receipt_secret": None}), engine=engine)
    with TestClient(off) as client:
        client.test_session = Session(engine)
        response = _receipt(client, {"id": "SM-77", "status": "delivered"})
    assert (response.status_code, response.json()["detail"]["code"]) == (401, "receipts_off")


def test_the_notification_loop_keeps_the_gateways_id(
    engine, session, deposit, sms_gateway, settings
):
    _, parcel = deposit()
    at = parcel.deposited_at
    session.commit()
    sms_gateway.answers.append((200, b'{"sid": "SMabc"}', 0))
    loop = NotificationLoop(engine, None, settings, clock=lambda: at)
    assert loop.run_once() >= 1
    with Session(engine) as fresh:
        refs = fresh.exec(select(Notification.provider_ref).where(Notification.channel == "sms"))
        assert refs.all() == ["SMabc"]
